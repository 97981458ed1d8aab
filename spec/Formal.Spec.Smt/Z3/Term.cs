namespace Formal.Spec.Smt.Z3;

/// A Z3 term owned by a <see cref="Z3Context"/> (kept alive by the context's arena until the
/// context is disposed). Z3 hash-conses terms, so equal handles mean structurally equal terms.
public readonly record struct Term(IntPtr Handle);

/// A Z3 sort owned by a <see cref="Z3Context"/>.
public readonly record struct Sort(IntPtr Handle);

public enum SortKind { Bool, Int, BitVector, Array, Other }
