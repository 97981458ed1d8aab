using Formal.Reference;

namespace Formal.Refinement;

/// A 128-bit fingerprint of a heap's canonical key (<see cref="CanonicalKey.Digest"/>): equal for
/// isomorphic heaps, deterministic across runs, and far smaller than the key it stands for.
public readonly record struct ReferenceFingerprint(UInt128 Value)
{
    public static ReferenceFingerprint Of(Heap heap) => Of(heap, new CanonicalNumbering(heap));

    /// With the numbering the caller already has (the abstraction uses the same one).
    public static ReferenceFingerprint Of(Heap heap, CanonicalNumbering numbering) => new(CanonicalKey.Digest(heap, numbering));
}
