using System.Collections.Immutable;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// Bounded sequences: a length and one value per slot of the capacity. Slots past the length
/// get exactly what the evaluator puts there, because it compares sequences slot by slot.
internal sealed class SeqEncoding(ExprEncoder x)
{
    private Terms T => x.T;
    private Values V => x.V;

    public SVal Literal(ESeqLit q, Env env, Guard g)
    {
        var st = (SeqTy)q.Type;
        var elems = q.Items.Select(i => x.Encode(i, env, g)).ToList();
        while (elems.Count < st.Capacity) elems.Add(V.Default(st.Elem));
        return new SSeq(T.Num(q.Items.Count), elems.ToImmutableArray());
    }

    /// The element at index i (an error unless 0 <= i < length).
    public SVal At(SSeq s, Term i, Guard g)
    {
        x.Error(g, T.Not(T.And(T.Le(T.Num(0), i), T.Lt(i, s.Len))));
        if (s.Elems.Length == 0) return new SScalar(T.Num(0));
        if (T.IntValue(i) is { } k && k >= 0 && k < s.Elems.Length) return s.Elems[(int)k];
        var result = s.Elems[^1];
        for (int k2 = s.Elems.Length - 2; k2 >= 0; k2--) result = V.Ite(T.Eq(i, T.Num(k2)), s.Elems[k2], result);
        return result;
    }

    public SVal Contains(ESeqContains sc, Env env, Guard g)
    {
        var s = (SSeq)x.Encode(sc.Seq, env, g);
        var e = x.Encode(sc.Elem, env, g);
        var found = T.Or(s.Elems.Select((el, i) => T.And(T.Lt(T.Num(i), s.Len), V.Eq(el, e))));
        return new SScalar(sc.Negated ? T.Not(found) : found);
    }

    public SVal Call(ECall c, SSeq s, SVal? arg, Guard g)
    {
        var empty = T.Eq(s.Len, T.Num(0));
        int cap = s.Elems.Length;
        switch (c.Fn)
        {
            case Builtin.Len: return new SScalar(s.Len);
            case Builtin.Head:
                x.Error(g, empty);
                return cap > 0 ? s.Elems[0] : V.Default(c.Type);
            case Builtin.Last:
            {
                x.Error(g, empty);
                if (cap == 0) return V.Default(c.Type);
                var result = s.Elems[^1];
                for (int i = cap - 2; i >= 0; i--) result = V.Ite(T.Eq(s.Len, T.Num(i + 1)), s.Elems[i], result);
                return result;
            }
            case Builtin.Tail:
            {
                x.Error(g, empty);
                var st = (SeqTy)c.Type;
                var d = V.Default(st.Elem);
                // The evaluator fills every slot from the new length on with the default.
                var elems = Enumerable.Range(0, st.Capacity)
                    .Select(j => j + 1 < s.Elems.Length ? V.Ite(T.Lt(T.Num(j + 1), s.Len), s.Elems[j + 1], d) : d)
                    .ToImmutableArray();
                return new SSeq(T.Sub(s.Len, T.Num(1)), elems);
            }
            case Builtin.Append:
            {
                x.Error(g, T.Ge(s.Len, T.Num(cap)));
                var elems = s.Elems.Select((e, i) => V.Ite(T.Eq(s.Len, T.Num(i)), arg!, e)).ToImmutableArray();
                return new SSeq(T.Add(s.Len, T.Num(1)), elems);
            }
        }
        throw new InvalidOperationException($"builtin {c.Fn} is not a sequence function");
    }
}
