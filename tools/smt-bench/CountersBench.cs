using System.Diagnostics;
using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Smt.Engines;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Syntax;

namespace Formal.SmtBench;

/// BMC of spec/examples/counters.yaml through the encoder, against the same system written by
/// hand against the binding (N counters mod M, one of them steps; invariant: all in 0..M-1).
/// Both are incremental with one assumption literal per depth, asked in the same order.
public static class CountersBench
{
    public sealed record Run(string Name, List<double> Seconds);

    /// Per-depth seconds (encoding + solving) of BMC through the encoder.
    public static Run Encoded(string specPath, int n, int m, int depth, SolvingMode mode = SolvingMode.Incremental, int ground = Formal.Spec.Smt.Encoding.SpecEncoder.DefaultMaxGroundedInstances)
    {
        var diags = new DiagnosticBag();
        var ir = SpecLoader.Load(specPath, null,
            [new ConstOverride("N", ConstValue.OfInt(n), default), new ConstOverride("M", ConstValue.OfInt(m), default)], diags)
            ?? throw new InvalidOperationException(string.Join("\n", diags.Items));
        var times = new List<double>();
        using var z = new Z3Context();
        var u = new Unrolling(ir, z, false, diags, ground);
        using var session = new Session(() => z.Solver(), u, new Budget(null), _ => { }, false, mode);
        var bmc = new BmcSession(session);
        for (int k = 0; k <= depth; k++)
        {
            var sw = Stopwatch.StartNew();
            var (r, _) = bmc.Next();
            times.Add(sw.Elapsed.TotalSeconds);
            if (r.Status != SolveStatus.Unsat) throw new InvalidOperationException($"encoded BMC depth {k}: {r}");
        }
        return new Run(mode == SolvingMode.Fresh ? "enc fresh" : ground == 1 ? "enc symbolic" : "encoded", times);
    }

    /// The hand-written query: Int counters, `ite(c == M-1, 0, c + 1)` for the stepping one.
    public static Run HandInt(int n, int m, int depth, int form = 0)
    {
        var times = new List<double>();
        using var z = new Z3Context();
        using var s = z.Solver();
        var c = new List<Term[]>();
        for (int k = 0; k <= depth; k++)
        {
            var sw = Stopwatch.StartNew();
            c.Add(Enumerable.Range(0, n).Select(j => z.IntConst($"c{j}@{k}")).ToArray());
            if (k == 0)
                foreach (var x in c[0]) s.Assert(z.Eq(x, z.Int(0)));
            else
            {
                var i = z.IntConst($"i@{k}");
                s.Assert(z.And(z.Le(z.Int(0), i), z.Lt(i, z.Int(n))));
                for (int j = 0; j < n; j++)
                {
                    var prev = c[k - 1][j];
                    var plus = z.Add(prev, z.Int(1));
                    var inc = form switch
                    {
                        1 => z.Ite(z.Lt(plus, z.Int(m)), plus, z.Sub(plus, z.Int(m))),
                        2 => z.Ite(z.Not(z.Eq(plus, z.Int(m))), plus, z.Sub(plus, z.Int(m))),
                        _ => z.Ite(z.Eq(prev, z.Int(m - 1)), z.Int(0), plus),
                    };
                    s.Assert(z.Eq(c[k][j], z.Ite(z.Eq(i, z.Int(j)), inc, prev)));
                }
            }
            var bad = z.Or(c[k].Select(x => z.Not(z.And(z.Ge(x, z.Int(0)), z.Lt(x, z.Int(m))))).ToArray());
            var q = z.BoolConst($"q@{k}");
            s.Assert(z.Implies(q, bad));
            var r = s.Check([q], null);
            s.Assert(z.Not(q));
            times.Add(sw.Elapsed.TotalSeconds);
            if (r.Status != SolveStatus.Unsat) throw new InvalidOperationException($"hand-written depth {k}: {r}");
        }
        return new Run(form switch { 1 => "hand Int <", 2 => "hand Int =", _ => "hand Int" }, times);
    }

    /// The same system with bit-vector counters (for the representation measurement).
    public static Run HandBv(int n, int m, int depth)
    {
        uint w = (uint)Math.Max(1, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)m));
        var times = new List<double>();
        using var z = new Z3Context();
        using var s = z.Solver();
        var c = new List<Term[]>();
        for (int k = 0; k <= depth; k++)
        {
            var sw = Stopwatch.StartNew();
            c.Add(Enumerable.Range(0, n).Select(j => z.Const($"c{j}@{k}", z.BitVecSort(w))).ToArray());
            if (k == 0)
                foreach (var x in c[0]) s.Assert(z.Eq(x, z.BitVec(0, w)));
            else
            {
                var i = z.Const($"i@{k}", z.BitVecSort(8));
                s.Assert(z.Not(z.BvUle(z.BitVec(n, 8), i)));
                for (int j = 0; j < n; j++)
                {
                    var prev = c[k - 1][j];
                    var inc = z.Ite(z.Eq(prev, z.BitVec(m - 1, w)), z.BitVec(0, w), z.BvAdd(prev, z.BitVec(1, w)));
                    s.Assert(z.Eq(c[k][j], z.Ite(z.Eq(i, z.BitVec(j, 8)), inc, prev)));
                }
            }
            var bad = z.Or(c[k].Select(x => z.BvUle(z.BitVec(m, w), x)).ToArray());
            var q = z.BoolConst($"q@{k}");
            s.Assert(z.Implies(q, bad));
            var r = s.Check([q], null);
            s.Assert(z.Not(q));
            times.Add(sw.Elapsed.TotalSeconds);
            if (r.Status != SolveStatus.Unsat) throw new InvalidOperationException($"hand-written BV depth {k}: {r}");
        }
        return new Run("hand BV", times);
    }
}
