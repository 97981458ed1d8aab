using System.Collections.Immutable;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Encoding;

/// A symbolic value: the same shape as the evaluator's slot layout, with a Z3 term per leaf.
/// Leaves the evaluator leaves unspecified hold what the evaluator would hold there (sequence
/// padding), so equality can compare slot by slot as the evaluator does.
public abstract record SVal;

/// bool (a Bool term), or an integer, enum ordinal or pool object index (an Int term).
public sealed record SScalar(Term T) : SVal;

/// An option of any type: whether it holds a value, and the value (meaningless when not).
public sealed record SOpt(Term IsSome, SVal Value) : SVal;

/// A set as one Bool per possible element: Bits[i] says whether Lo + i is in the set. Values
/// outside the range are not in the set (an empty literal has no bits at all).
public sealed record SSet(long Lo, ImmutableArray<Term> Bits) : SVal
{
    public long Hi => Lo + Bits.Length - 1;
}

public sealed record SRec(ImmutableArray<SVal> Fields) : SVal;

/// A total map over a finite key type, one value per key in key order.
public sealed record SMap(ImmutableArray<SVal> Values) : SVal;

/// A bounded sequence: the length and one element per slot of the capacity (slots past the
/// length hold the evaluator's padding).
public sealed record SSeq(Term Len, ImmutableArray<SVal> Elems) : SVal;
