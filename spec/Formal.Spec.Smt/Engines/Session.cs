using System.Diagnostics;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Engines;

/// A solver with the bookkeeping every query shares: each check is asked under a fresh
/// assumption literal (`literal => query`), so the solver keeps what it learnt about the
/// permanent assertions; the literal is retired afterwards. Timings and, on request, the
/// SMT-LIB text of the last query are recorded.
public sealed class Session(ISolver solver, Unrolling unrolling, Budget budget, Action<CheckTiming> record, bool keepSmtLib) : IDisposable
{
    private int _literals;

    public Unrolling U { get; } = unrolling;
    public ISolver Solver { get; } = solver;

    /// The SMT-LIB script of the last check (when asked for).
    public string? LastSmtLib { get; private set; }

    public void Assert(Term t)
    {
        if (!U.T.IsTrue(t)) Solver.Assert(t);
    }

    /// Checks the query built by <paramref name="encode"/>; the model is handed to
    /// <paramref name="onSat"/> before the literal is retired.
    public SolveResult Check(string what, int depth, Func<Term> encode, Action<IModel>? onSat)
    {
        var sw = Stopwatch.StartNew();
        var query = encode();
        var literal = U.T.Z.BoolConst($"{what}#{_literals++}");
        Solver.Assert(U.T.Implies(literal, query));
        double encodeSeconds = sw.Elapsed.TotalSeconds;
        if (keepSmtLib) LastSmtLib = Solver.ToSmtLib([literal]);
        sw.Restart();
        var result = budget.Expired ? SolveResult.Unknown("timeout") : Solver.Check([literal], budget.Remaining);
        double solveSeconds = sw.Elapsed.TotalSeconds;
        record(new CheckTiming(what, depth, encodeSeconds, solveSeconds, result));
        if (result.Status == SolveStatus.Sat && onSat is not null)
        {
            using var m = Solver.Model();
            onSat(m);
        }
        Solver.Assert(U.T.Not(literal));
        return result;
    }

    public void Dispose() => Solver.Dispose();
}
