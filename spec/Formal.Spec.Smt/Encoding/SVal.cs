using System.Collections.Immutable;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Encoding;

/// A symbolic value: the same shape as the evaluator's slot layout, with a Z3 term per leaf.
/// Values are kept canonical (a none option holds its inner default, sequence slots past the
/// length hold the element default), so two values are equal exactly when their leaves are.
public abstract record SVal;

/// bool (a Bool term), or an integer, enum ordinal or pool object index (an Int term).
public sealed record SScalar(Term T) : SVal;

/// An option of any type: whether it holds a value, and the value (the inner default when not).
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

/// A bounded sequence: the length and one element per slot of the capacity.
public sealed record SSeq(Term Len, ImmutableArray<SVal> Elems) : SVal;
