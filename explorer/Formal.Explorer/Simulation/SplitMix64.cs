namespace Formal.Explorer.Simulation;

/// A small, fast PRNG with a fixed algorithm (Steele, Lea and Flood's SplitMix64), so that a
/// seed reproduces the same walks on every machine and .NET version.
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// A generator for one walk: the seed is mixed first, so that walks with neighbouring seeds
    /// draw unrelated numbers (SplitMix64's own sequence for seed s + 1 is that of s, shifted).
    public static SplitMix64 ForWalk(ulong seed)
    {
        var mixer = new SplitMix64(seed ^ 0x5851F42D4C957F2DUL);
        return new SplitMix64(mixer.Next());
    }

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// Uniform in [0, n) (Lemire's multiply-shift; the bias is below 2^-32 for the small n used here).
    public int Below(int n) => (int)(((Next() >> 32) * (ulong)n) >> 32);
}
