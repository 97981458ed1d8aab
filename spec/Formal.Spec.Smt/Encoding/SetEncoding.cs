using System.Collections.Immutable;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// Sets as one Bool per possible element (see README.md for the measurement behind the choice):
/// literals, set formers, ranges, whole types, the set operators and card/min/max.
internal sealed class SetEncoding(ExprEncoder x)
{
    private Terms T => x.T;
    private Values V => x.V;

    private static (long Lo, int Count) RangeOf(Ty setType) => Values.SetRange(((SetTy)setType).Elem);

    /// Whether the element term x equals the value w (booleans are the values 0 and 1).
    private Term Is(Term elem, long w) => T.Z.KindOf(elem) == SortKind.Bool ? (w == 1 ? elem : T.Not(elem)) : T.Eq(elem, T.Num(w));

    /// The evaluator stores set elements as bits 0..63 and fails on anything else.
    private void CheckBit(Guard g, Term elem, Ty elemType)
    {
        if (elemType is not IntTy it || it.IsFinite && it.Lo >= 0 && it.Hi <= 63) return;
        x.Error(g, T.Not(T.InRange(elem, 0, 63)));
    }

    private SSet Build(long lo, int n, Func<long, Term> bit) =>
        new(lo, Enumerable.Range(0, n).Select(i => bit(lo + i)).ToImmutableArray());

    public SVal Literal(ESetLit s, Env env, Guard g)
    {
        var (lo, n) = RangeOf(s.Type);
        var items = new List<Term>();
        foreach (var item in s.Items)
        {
            var t = ((SScalar)x.Encode(item, env, g)).T;
            CheckBit(g, t, item.Type);
            items.Add(t);
        }
        return Build(lo, n, w => T.Or(items.Select(i => Is(i, w))));
    }

    public SVal Filter(ESetFilter f, Env env, Guard g)
    {
        var d = x.Domain(f.Domain, env, g);
        var (lo, n) = RangeOf(f.Type);
        var cands = x.Candidates(d, f.Span);
        if (cands is null) return V.Default(f.Type);
        var bits = new Dictionary<long, Term>();
        foreach (var (v, member) in cands)
        {
            if (f.Domain is ERange && (v < 0 || v > 63)) x.Error(g, member);
            var pred = x.Bool(f.Pred, env.Bind(f.Local.Id, V.Scalar(d.Elem, v)), g.And(member));
            bits[v] = T.And(member, pred);
        }
        return Build(lo, n, w => bits.TryGetValue(w, out var b) ? b : T.False);
    }

    public SVal Map(ESetMap m, Env env, Guard g)
    {
        var d = x.Domain(m.Domain, env, g);
        var (lo, n) = RangeOf(m.Type);
        var cands = x.Candidates(d, m.Span);
        if (cands is null) return V.Default(m.Type);
        var hits = new List<(Term When, Term Elem)>();
        foreach (var (v, member) in cands)
        {
            var inner = env.Bind(m.Local.Id, V.Scalar(d.Elem, v));
            var when = m.Pred is null ? member : T.And(member, x.Bool(m.Pred, inner, g.And(member)));
            var ge = g.And(when);
            var elem = ((SScalar)x.Encode(m.Elem, inner, ge)).T;
            CheckBit(ge, elem, m.Elem.Type);
            hits.Add((when, elem));
        }
        return Build(lo, n, w => T.Or(hits.Select(h => T.And(h.When, Is(h.Elem, w)))));
    }

    public SVal Range(ERange r, Env env, Guard g)
    {
        var lo = x.Int(r.Lo, env, g);
        var hi = x.Int(r.Hi, env, g);
        x.Error(g, T.And(T.Le(lo, hi), T.Or(T.Lt(lo, T.Num(0)), T.Gt(hi, T.Num(63)))));
        var (blo, n) = RangeOf(r.Type);
        return Build(blo, n, v => T.And(T.Le(lo, T.Num(v)), T.Le(T.Num(v), hi)));
    }

    public SVal TypeDomain(ETypeDomain td, Env env, Guard g)
    {
        var (lo, n) = Values.SetRange(td.Elem);
        return Build(lo, n, _ => T.True);
    }

    public SVal Binary(EBinary b, SSet l, SSet r)
    {
        if (b.Op == BinOp.SubsetEq)
            return new SScalar(T.And(Enumerable.Range(0, l.Bits.Length).Select(i => T.Implies(l.Bits[i], V.Bit(r, l.Lo + i)))));
        var (lo, n) = RangeOf(b.Type);
        Func<Term, Term, Term> op = b.Op switch
        {
            BinOp.Union => T.Or,
            BinOp.Inter => T.And,
            _ => (p, q) => T.And(p, T.Not(q)),
        };
        return Build(lo, n, v => op(V.Bit(l, v), V.Bit(r, v)));
    }

    public SVal Call(ECall c, SSet s, Guard g)
    {
        if (c.Fn == Builtin.Card)
            return new SScalar(T.Sum(s.Bits.Select(b => T.Ite(b, T.Num(1), T.Num(0)))));
        x.Error(g, T.Not(T.Or(s.Bits)));
        if (s.Bits.Length == 0) return new SScalar(T.Num(0));
        bool min = c.Fn == Builtin.Min;
        // The lowest (highest) member wins: build the chain from the other end.
        var order = Enumerable.Range(0, s.Bits.Length);
        if (min) order = order.Reverse();
        Term result = T.Num(min ? s.Hi : s.Lo);
        foreach (var i in order) result = T.Ite(s.Bits[i], T.Num(s.Lo + i), result);
        return new SScalar(result);
    }
}
