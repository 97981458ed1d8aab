using System.Collections.Immutable;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// Type-directed operations on symbolic values: defaults, constants, fresh constants, if-then-
/// else merges, equality, and the well-formedness of a free state (ranges and canonical form).
public sealed class Values(Terms t)
{
    public Terms T { get; } = t;

    /// The bit range of a set of this element type (empty for the element type of `{}`).
    public static (long Lo, int Count) SetRange(Ty elem) => elem is AnyTy or ErrorTy ? (0, 0) : StateLayout.SetBitRange(elem);

    /// The zero value: false, the range's low bound, the first enum value, object 0, none, empty.
    public SVal Default(Ty ty) => ty switch
    {
        BoolTy => new SScalar(T.False),
        IntTy i => new SScalar(T.Num(i.IsFinite ? i.Lo : 0)),
        OptionTy o => new SOpt(T.False, Default(o.Inner)),
        SetTy s => new SSet(SetRange(s.Elem).Lo, Enumerable.Repeat(T.False, SetRange(s.Elem).Count).ToImmutableArray()),
        RecordTy r => new SRec(r.Fields.Select(f => Default(f.Type)).ToImmutableArray()),
        MapTy m => new SMap(Enumerable.Range(0, (int)TypeOps.KeyCount(m.Key)).Select(_ => Default(m.Value)).ToImmutableArray()),
        SeqTy q => new SSeq(T.Num(0), Enumerable.Range(0, q.Capacity).Select(_ => Default(q.Elem)).ToImmutableArray()),
        _ => new SScalar(T.Num(0)),
    };

    /// A scalar value given as the evaluator's slot value (bool 0/1, integer, ordinal, index).
    public SVal Scalar(Ty ty, long v) => ty is BoolTy ? new SScalar(T.Bool(v != 0)) : new SScalar(T.Num(v));

    /// Fresh constants for every leaf, named after the path from <paramref name="name"/>.
    public SVal Fresh(Ty ty, string name, string suffix)
    {
        var z = T.Z;
        switch (ty)
        {
            case BoolTy: return new SScalar(z.BoolConst(name + suffix));
            case OptionTy o: return new SOpt(z.BoolConst($"{name}?{suffix}"), Fresh(o.Inner, name + ".value", suffix));
            case SetTy s:
            {
                var (lo, n) = SetRange(s.Elem);
                return new SSet(lo, Enumerable.Range(0, n).Select(i => z.BoolConst($"{name}#{ValueCodec.Scalar(s.Elem, lo + i).Show()}{suffix}")).ToImmutableArray());
            }
            case RecordTy r: return new SRec(r.Fields.Select(f => Fresh(f.Type, $"{name}.{f.Name}", suffix)).ToImmutableArray());
            case MapTy m:
                return new SMap(Enumerable.Range(0, (int)TypeOps.KeyCount(m.Key))
                    .Select(k => Fresh(m.Value, $"{name}[{ValueCodec.Scalar(m.Key, TypeOps.KeyValue(m.Key, k)).Show()}]", suffix)).ToImmutableArray());
            case SeqTy q:
                return new SSeq(z.IntConst($"{name}.len{suffix}"), Enumerable.Range(0, q.Capacity).Select(i => Fresh(q.Elem, $"{name}[{i}]", suffix)).ToImmutableArray());
            default: return new SScalar(z.IntConst(name + suffix));
        }
    }

    /// The constraints a value of this type satisfies in every state the evaluator can build:
    /// each scalar within its type's range. Nothing is assumed about what the evaluator leaves
    /// unspecified (the inner value of a none, sequence slots past the length: a literal `[2]`
    /// pads with 2, `tail` with the default), or a free state could be vacuously impossible.
    public Term WellFormed(Ty ty, SVal v)
    {
        switch (ty, v)
        {
            case (IntTy i, SScalar s) when i.IsFinite: return T.InRange(s.T, i.Lo, i.Hi);
            case (EnumTy e, SScalar s): return T.InRange(s.T, 0, e.Members.Count - 1);
            case (PoolTy p, SScalar s): return T.InRange(s.T, 0, p.Size - 1);
            case (OptionTy o, SOpt s): return T.Implies(s.IsSome, WellFormed(o.Inner, s.Value));
            case (RecordTy r, SRec s): return T.And(r.Fields.Select((f, i) => WellFormed(f.Type, s.Fields[i])));
            case (MapTy m, SMap s): return T.And(s.Values.Select(x => WellFormed(m.Value, x)));
            case (SeqTy q, SSeq s):
            {
                var parts = new List<Term> { T.InRange(s.Len, 0, q.Capacity) };
                for (int i = 0; i < q.Capacity; i++) parts.Add(T.Implies(T.Lt(T.Num(i), s.Len), WellFormed(q.Elem, s.Elems[i])));
                return T.And(parts);
            }
            default: return T.True;
        }
    }

    /// Membership of a scalar element (Bool for boolean sets, Int otherwise) in a set.
    public Term Member(SSet s, Term elem)
    {
        if (s.Bits.Length == 0) return T.False;
        if (T.Z.KindOf(elem) == SortKind.Bool)
            return T.Ite(elem, Bit(s, 1), Bit(s, 0));
        if (T.IntValue(elem) is { } v) return Bit(s, v);
        var cases = new List<Term>();
        for (int i = 0; i < s.Bits.Length; i++)
            if (!T.IsFalse(s.Bits[i])) cases.Add(T.And(T.Eq(elem, T.Num(s.Lo + i)), s.Bits[i]));
        return T.Or(cases);
    }

    /// Whether the value v is in the set (false outside its range).
    public static Term BitOf(Terms t, SSet s, long v) => v >= s.Lo && v <= s.Hi ? s.Bits[(int)(v - s.Lo)] : t.False;

    public Term Bit(SSet s, long v) => BitOf(T, s, v);

    /// The set with the given bit range, taking each bit from <paramref name="s"/> (false where
    /// s has none). The caller checks that no element is dropped when the range shrinks.
    public SSet Rebase(SSet s, long lo, int count)
    {
        if (s.Lo == lo && s.Bits.Length == count) return s;
        return new SSet(lo, Enumerable.Range(0, count).Select(i => Bit(s, lo + i)).ToImmutableArray());
    }

    /// The value in the exact shape of its declared type: a value whose static type is narrower
    /// (a literal `{1, 2}` stored in a set(0..9)) has fewer set bits; state variables and frame
    /// equalities need every leaf where the type puts it.
    public SVal Shape(SVal v, Ty ty) => (ty, v) switch
    {
        (SetTy st, SSet s) => Rebase(s, SetRange(st.Elem).Lo, SetRange(st.Elem).Count),
        (OptionTy o, SOpt x) => new SOpt(x.IsSome, Shape(x.Value, o.Inner)),
        (RecordTy r, SRec x) => new SRec(x.Fields.Select((f, i) => Shape(f, r.Fields[i].Type)).ToImmutableArray()),
        (MapTy m, SMap x) => new SMap(x.Values.Select(e => Shape(e, m.Value)).ToImmutableArray()),
        (SeqTy q, SSeq x) => new SSeq(x.Len, x.Elems.Select(e => Shape(e, q.Elem)).ToImmutableArray()),
        _ => v,
    };

    public SVal Ite(Term c, SVal a, SVal b)
    {
        if (T.IsTrue(c) || ReferenceEquals(a, b)) return a;
        if (T.IsFalse(c)) return b;
        switch (a, b)
        {
            case (SScalar x, SScalar y): return x.T == y.T ? a : new SScalar(T.Ite(c, x.T, y.T));
            case (SOpt x, SOpt y): return new SOpt(T.Ite(c, x.IsSome, y.IsSome), Ite(c, x.Value, y.Value));
            case (SSet x, SSet y):
            {
                long lo = Math.Min(x.Bits.Length == 0 ? y.Lo : x.Lo, y.Bits.Length == 0 ? x.Lo : y.Lo);
                long hi = Math.Max(x.Bits.Length == 0 ? y.Hi : x.Hi, y.Bits.Length == 0 ? x.Hi : y.Hi);
                int n = (int)Math.Max(0, hi - lo + 1);
                return new SSet(lo, Enumerable.Range(0, n).Select(i => T.Ite(c, Bit(x, lo + i), Bit(y, lo + i))).ToImmutableArray());
            }
            case (SRec x, SRec y): return new SRec(x.Fields.Zip(y.Fields, (p, q) => Ite(c, p, q)).ToImmutableArray());
            case (SMap x, SMap y): return new SMap(x.Values.Zip(y.Values, (p, q) => Ite(c, p, q)).ToImmutableArray());
            case (SSeq x, SSeq y) when x.Elems.Length == y.Elems.Length:
                return new SSeq(T.Ite(c, x.Len, y.Len), x.Elems.Zip(y.Elems, (p, q) => Ite(c, p, q)).ToImmutableArray());
        }
        throw new InvalidOperationException($"cannot merge {a.GetType().Name} with {b.GetType().Name}");
    }

    /// Equality of two values of compatible types (canonical padding makes sequences slot-wise).
    public Term Eq(SVal a, SVal b)
    {
        if (ReferenceEquals(a, b)) return T.True;
        switch (a, b)
        {
            case (SScalar x, SScalar y): return T.Eq(x.T, y.T);
            // Semantic, not leaf-wise: a `none` whose type was fixed late may carry another
            // inner placeholder than the target type's default.
            case (SOpt x, SOpt y): return T.And(T.Iff(x.IsSome, y.IsSome), T.Implies(x.IsSome, Eq(x.Value, y.Value)));
            case (SSet x, SSet y):
            {
                var parts = new List<Term>();
                long lo = Math.Min(x.Lo, y.Lo), hi = Math.Max(x.Hi, y.Hi);
                for (long v = lo; v <= hi; v++) parts.Add(T.Iff(Bit(x, v), Bit(y, v)));
                return T.And(parts);
            }
            case (SRec x, SRec y): return T.And(x.Fields.Zip(y.Fields, Eq));
            case (SMap x, SMap y): return T.And(x.Values.Zip(y.Values, Eq));
            case (SSeq x, SSeq y) when x.Elems.Length == y.Elems.Length:
                return T.And(x.Elems.Zip(y.Elems, Eq).Prepend(T.Eq(x.Len, y.Len)));
        }
        throw new InvalidOperationException($"cannot compare {a.GetType().Name} with {b.GetType().Name}");
    }

    /// Every leaf term, in layout order (for state equality and decoding).
    public static IEnumerable<Term> Leaves(SVal v)
    {
        switch (v)
        {
            case SScalar s: yield return s.T; break;
            case SOpt o:
                yield return o.IsSome;
                foreach (var t in Leaves(o.Value)) yield return t;
                break;
            case SSet s: foreach (var b in s.Bits) yield return b; break;
            case SRec r: foreach (var f in r.Fields) foreach (var t in Leaves(f)) yield return t; break;
            case SMap m: foreach (var x in m.Values) foreach (var t in Leaves(x)) yield return t; break;
            case SSeq q:
                yield return q.Len;
                foreach (var e in q.Elems) foreach (var t in Leaves(e)) yield return t;
                break;
        }
    }
}
