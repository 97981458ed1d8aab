using Formal.Spec.Checking;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// Floor division and modulo (the spec language rounds towards minus infinity; SMT-LIB's div
/// and mod are Euclidean, which agrees only for positive divisors).
public static class Arithmetic
{
    /// Quotients spanning at most this many values are encoded as comparisons instead of div/mod.
    private const long MaxCaseSplit = 8;

    /// (a / b, a % b) with floor semantics; b == 0 is an error the caller records.
    public static (Term Quotient, Term Remainder) FloorDivMod(Terms t, Term a, Term b, IntTy? aType)
    {
        if (t.IntValue(b) is not { } d)
        {
            // Symbolic divisor: for b < 0, floor(a / b) = floor(-a / -b) with a positive divisor.
            var q = t.Ite(t.Gt(b, t.Num(0)), t.EDiv(a, b), t.EDiv(t.Neg(a), t.Neg(b)));
            return (q, t.Sub(a, t.Mul(q, b)));
        }
        if (d == 0) return (t.Num(0), t.Num(0));
        if (t.IntValue(a) is { } av) return (t.Num(ConstEval.FloorDiv(av, d)), t.Num(ConstEval.FloorMod(av, d)));
        if (d > 0 && aType is { IsFinite: true } range)
        {
            // With a known interval for a, the quotient takes few values: pick it by comparing a
            // with the multiples of d (linear, cheaper for the solver than div/mod). This turns
            // the usual `(x + 1) % M` into one comparison.
            long qlo = ConstEval.FloorDiv(range.Lo, d), qhi = ConstEval.FloorDiv(range.Hi, d);
            if (qhi - qlo < MaxCaseSplit)
            {
                // Quotient k covers a in [k*d, (k+1)*d - 1] (within the interval). A part that is
                // one value v is tested with `a == v` and has the constant remainder v - k*d:
                // `(c + 1) % M` with c in 0..M-1 becomes `if c == M-1 then 0 else c + 1`.
                Term Remainder(long k) => Math.Max(range.Lo, k * d) == Math.Min(range.Hi, (k + 1) * d - 1)
                    ? t.Num(Math.Max(range.Lo, k * d) - k * d)
                    : t.Sub(a, t.Num(k * d));
                var q = t.Num(qhi);
                var r = Remainder(qhi);
                for (long k = qhi - 1; k >= qlo; k--)
                {
                    long from = Math.Max(range.Lo, k * d), to = Math.Min(range.Hi, (k + 1) * d - 1);
                    long upper = Math.Min(range.Hi, (k + 2) * d - 1);
                    // In the chain, a >= k*d already holds; "a is in part k" is a <= to, which is
                    // a != to + 1 when the next part (the rest) is the single value to + 1.
                    var inPart = k == qhi - 1 && upper == to + 1 ? t.Not(t.Eq(a, t.Num(to + 1)))
                        : from == to && k == qlo ? t.Eq(a, t.Num(to))
                        : t.Le(a, t.Num(to));
                    q = t.Ite(inPart, t.Num(k), q);
                    r = t.Ite(inPart, Remainder(k), r);
                }
                return (q, r);
            }
        }
        if (d > 0) return (t.EDiv(a, t.Num(d)), t.EMod(a, t.Num(d)));
        var qn = t.EDiv(t.Neg(a), t.Num(-d));
        return (qn, t.Sub(a, t.Mul(qn, t.Num(d))));
    }
}
