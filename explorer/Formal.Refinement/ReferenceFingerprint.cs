using System.Security.Cryptography;
using Formal.Reference;

namespace Formal.Refinement;

/// A 128-bit fingerprint of a heap's <see cref="CanonicalKey"/> (SHA-256, truncated): equal for
/// isomorphic heaps, deterministic across runs, and far smaller than the key it stands for.
public readonly record struct ReferenceFingerprint(ulong Hi, ulong Lo)
{
    public static ReferenceFingerprint Of(Heap heap)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(CanonicalKey.Bytes(heap), hash);
        return new ReferenceFingerprint(BitConverter.ToUInt64(hash[..8]), BitConverter.ToUInt64(hash[8..16]));
    }
}
