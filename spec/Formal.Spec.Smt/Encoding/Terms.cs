using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Encoding;

/// Term construction with the folding every encoder wants: constants propagate through the
/// connectives, comparisons of numerals and if-then-else, so that the many guards and error
/// conditions that are trivially false never reach the solver.
public sealed class Terms(Z3Context z)
{
    public Z3Context Z { get; } = z;
    public Term True => Z.True;
    public Term False => Z.False;

    public bool IsTrue(Term t) => t == Z.True;
    public bool IsFalse(Term t) => t == Z.False;
    public Term Bool(bool b) => b ? Z.True : Z.False;
    private readonly Dictionary<Term, long> _numerals = new();

    /// An integer numeral. The encoder builds numerals only here, so <see cref="IntValue"/> can
    /// recognise them by handle (Z3 hash-conses terms).
    public Term Num(long v)
    {
        var t = Z.Int(v);
        _numerals[t] = v;
        return t;
    }

    /// The value of a numeral built by <see cref="Num"/>; null for any other term.
    public long? IntValue(Term t) => _numerals.TryGetValue(t, out var v) ? v : null;

    public Term Not(Term a)
    {
        if (IsTrue(a)) return False;
        if (IsFalse(a)) return True;
        return Z.Not(a);
    }

    public Term And(Term a, Term b)
    {
        if (IsFalse(a) || IsFalse(b)) return False;
        if (IsTrue(a)) return b;
        if (IsTrue(b) || a == b) return a;
        return Z.And(a, b);
    }

    public Term Or(Term a, Term b)
    {
        if (IsTrue(a) || IsTrue(b)) return True;
        if (IsFalse(a)) return b;
        if (IsFalse(b) || a == b) return a;
        return Z.Or(a, b);
    }

    public Term And(IEnumerable<Term> ts)
    {
        // The list keeps the order (deterministic output); the set only drops repeats.
        var list = new List<Term>();
        var seen = new HashSet<Term>();
        foreach (var t in ts)
        {
            if (IsFalse(t)) return False;
            if (!IsTrue(t) && seen.Add(t)) list.Add(t);
        }
        return list.Count switch { 0 => True, 1 => list[0], _ => Z.And(list.ToArray()) };
    }

    public Term Or(IEnumerable<Term> ts)
    {
        var list = new List<Term>();
        var seen = new HashSet<Term>();
        foreach (var t in ts)
        {
            if (IsTrue(t)) return True;
            if (!IsFalse(t) && seen.Add(t)) list.Add(t);
        }
        return list.Count switch { 0 => False, 1 => list[0], _ => Z.Or(list.ToArray()) };
    }

    public Term Implies(Term a, Term b)
    {
        if (IsFalse(a) || IsTrue(b)) return True;
        if (IsTrue(a)) return b;
        if (IsFalse(b)) return Not(a);
        return Z.Implies(a, b);
    }

    public Term Iff(Term a, Term b)
    {
        if (a == b) return True;
        if (IsTrue(a)) return b;
        if (IsTrue(b)) return a;
        if (IsFalse(a)) return Not(b);
        if (IsFalse(b)) return Not(a);
        return Z.Iff(a, b);
    }

    public Term Ite(Term c, Term t, Term e)
    {
        if (IsTrue(c) || t == e) return t;
        if (IsFalse(c)) return e;
        if (IsTrue(t) && IsFalse(e)) return c;
        if (IsFalse(t) && IsTrue(e)) return Not(c);
        if (IsTrue(t)) return Or(c, e);
        if (IsFalse(e)) return And(c, t);
        return Z.Ite(c, t, e);
    }

    /// Terms of the form `base + offset` built here, so that comparisons with numerals move the
    /// offset to the constant side: the solver handles `x = 8` much better than `x + 1 = 9`
    /// (measured on the counters benchmark, see README.md).
    private readonly Dictionary<Term, (Term Base, long Offset)> _offsets = new();

    private (Term Base, long Offset) Split(Term t) => _offsets.TryGetValue(t, out var o) ? o : (t, 0);

    private Term Offset(Term b, long off)
    {
        if (off == 0) return b;
        var t = off > 0 ? Z.Add(b, Num(off)) : Z.Sub(b, Num(-off));
        _offsets[t] = (b, off);
        return t;
    }

    /// Equality of two terms of the same sort (Bool terms compare with iff).
    public Term Eq(Term a, Term b)
    {
        if (a == b) return True;
        if (IntValue(a) is { } x && IntValue(b) is { } y) return Bool(x == y);
        if (IsTrue(a) || IsFalse(a) || IsTrue(b) || IsFalse(b)) return Iff(a, b);
        if (IntValue(b) is { } n && _offsets.TryGetValue(a, out var oa)) return Eq(oa.Base, Num(checked(n - oa.Offset)));
        if (IntValue(a) is { } m && _offsets.TryGetValue(b, out var ob)) return Eq(ob.Base, Num(checked(m - ob.Offset)));
        var (ba, xa) = Split(a);
        var (bb, xb) = Split(b);
        if (ba == bb) return Bool(xa == xb);
        return Z.Eq(a, b);
    }

    public Term Le(Term a, Term b)
    {
        if (a == b) return True;
        if (IntValue(a) is { } x && IntValue(b) is { } y) return Bool(x <= y);
        if (IntValue(b) is { } n && _offsets.TryGetValue(a, out var oa)) return Le(oa.Base, Num(checked(n - oa.Offset)));
        if (IntValue(a) is { } m && _offsets.TryGetValue(b, out var ob)) return Le(Num(checked(m - ob.Offset)), ob.Base);
        var (ba, xa) = Split(a);
        var (bb, xb) = Split(b);
        if (ba == bb) return Bool(xa <= xb);
        return Z.Le(a, b);
    }

    public Term Lt(Term a, Term b)
    {
        if (a == b) return False;
        if (IntValue(a) is { } x && IntValue(b) is { } y) return Bool(x < y);
        if (IntValue(b) is { } n && _offsets.TryGetValue(a, out var oa)) return Lt(oa.Base, Num(checked(n - oa.Offset)));
        if (IntValue(a) is { } m && _offsets.TryGetValue(b, out var ob)) return Lt(Num(checked(m - ob.Offset)), ob.Base);
        var (ba, xa) = Split(a);
        var (bb, xb) = Split(b);
        if (ba == bb) return Bool(xa < xb);
        return Z.Lt(a, b);
    }

    public Term Ge(Term a, Term b) => Le(b, a);
    public Term Gt(Term a, Term b) => Lt(b, a);

    public Term Add(Term a, Term b)
    {
        var (x, y) = (IntValue(a), IntValue(b));
        if (x is { } xv && y is { } yv) return Num(checked(xv + yv));
        if (y is { } c) { var (ba, oa) = Split(a); return Offset(ba, checked(oa + c)); }
        if (x is { } d) { var (bb, ob) = Split(b); return Offset(bb, checked(ob + d)); }
        return Z.Add(a, b);
    }

    public Term Sub(Term a, Term b)
    {
        var (x, y) = (IntValue(a), IntValue(b));
        if (x is { } xv && y is { } yv) return Num(checked(xv - yv));
        if (a == b) return Num(0);
        if (y is { } c) { var (ba, oa) = Split(a); return Offset(ba, checked(oa - c)); }
        var (b1, o1) = Split(a);
        var (b2, o2) = Split(b);
        if (b1 == b2) return Num(checked(o1 - o2));
        return Z.Sub(a, b);
    }

    public Term Mul(Term a, Term b)
    {
        var (x, y) = (IntValue(a), IntValue(b));
        if (x is { } xv && y is { } yv) return Num(checked(xv * yv));
        if (x == 0 || y == 0) return Num(0);
        if (x == 1) return b;
        if (y == 1) return a;
        return Z.Mul(a, b);
    }

    public Term Neg(Term a) => IntValue(a) is { } v ? Num(checked(-v)) : Z.Neg(a);

    /// Euclidean quotient and remainder (SMT-LIB div and mod).
    public Term EDiv(Term a, Term b) => Z.Div(a, b);
    public Term EMod(Term a, Term b) => Z.Mod(a, b);

    /// x lies in lo..hi (inclusive).
    public Term InRange(Term x, long lo, long hi)
    {
        if (IntValue(x) is { } v) return Bool(v >= lo && v <= hi);
        if (lo > hi) return False;
        return And(Le(Num(lo), x), Le(x, Num(hi)));
    }

    /// The sum of integer terms (numerals are added up first).
    public Term Sum(IEnumerable<Term> ts)
    {
        long constant = 0;
        var rest = new List<Term>();
        foreach (var t in ts)
            if (IntValue(t) is { } v) constant = checked(constant + v);
            else rest.Add(t);
        if (constant != 0 || rest.Count == 0) rest.Add(Num(constant));
        return rest.Count == 1 ? rest[0] : Z.Add(rest.ToArray());
    }
}
