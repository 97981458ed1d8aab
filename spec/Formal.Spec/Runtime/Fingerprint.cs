namespace Formal.Spec.Runtime;

/// Deterministic 64-bit fingerprints of packed states (never GetHashCode, which is seeded per
/// process). A multiply-xorshift mix per word, finished with the murmur3 finaliser.
public static class Fingerprint
{
    // Also emitted as IL by LayoutCode.SuccessorPacker (LayoutTests compares the two).
    internal const ulong Seed = 0x9E3779B97F4A7C15UL;
    internal const ulong M1 = 0xBF58476D1CE4E5B9UL;
    internal const ulong M2 = 0x94D049BB133111EBUL;
    internal const ulong M3 = 0xFF51AFD7ED558CCDUL;
    internal const ulong M4 = 0xC4CEB9FE1A85EC53UL;

    public static ulong Of(ReadOnlySpan<ulong> words)
    {
        ulong h = Seed ^ (ulong)words.Length;
        for (int i = 0; i < words.Length; i++)
        {
            ulong k = words[i] * M1;
            k ^= k >> 31;
            k *= M2;
            h = (h ^ k) * M3;
            h ^= h >> 32;
        }
        h ^= h >> 33;
        h *= M3;
        h ^= h >> 33;
        h *= M4;
        h ^= h >> 33;
        return h == 0 ? 1 : h; // 0 marks an empty slot in the seen set
    }

    // Also emitted as IL by LayoutCode.SuccessorPacker (LayoutTests compares the two).
    internal const ulong KeySeed = 0xD6E8FEB86659FD93UL, KeyPosition = 0xA0761D6478BD642FUL;

    /// A hash of packed words that only keys the cache of canonical forms (a state's own
    /// fingerprint under symmetry, which nothing stores or prints). Each word, XOR-ed with a
    /// constant of its position, goes through the murmur3 finaliser on its own, and the results
    /// are summed: the words' steps run side by side, where <see cref="Of"/> chains them one
    /// after another, and the successor packer's callers waited for that chain (about 40 cycles
    /// on 2 words; here about 15). Each word's mix must avalanche fully: a first version with one
    /// xorshift between two multiplies let the top bits of a word reach only the top of the sum,
    /// so states differing there collided (anon_vma's `wide` lost 5 of its 12,251,118 orbits).
    public static ulong Key(ReadOnlySpan<ulong> words)
    {
        ulong h = KeySeed ^ (ulong)words.Length;
        for (int i = 0; i < words.Length; i++)
        {
            ulong k = words[i] ^ (ulong)(i + 1) * KeyPosition;
            k ^= k >> 33;
            k *= M3;
            k ^= k >> 33;
            k *= M4;
            k ^= k >> 33;
            h += k;
        }
        return h == 0 ? 1 : h;
    }
}
