using System.Diagnostics;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Engines;

/// How a session asks its queries (see README.md for the measurements).
public enum SolvingMode
{
    /// One solver for the whole session; each query under a fresh assumption literal, so what
    /// the solver learnt carries over.
    Incremental,

    /// A new solver per query with every assertion so far: no learning carries over, but Z3
    /// preprocesses the whole formula (equation solving, propagation) before searching.
    Fresh,
}

/// A solver with the bookkeeping every query shares: permanent assertions, checks of a query
/// (under an assumption literal, or in a fresh solver), timings, and on request the SMT-LIB
/// text of the last query.
public sealed class Session : IDisposable
{
    private readonly Func<ISolver> _newSolver;
    private readonly Budget _budget;
    private readonly Action<CheckTiming> _record;
    private readonly bool _keepSmtLib;
    private readonly List<Term> _assertions = new();
    private ISolver? _solver;
    private int _literals;

    public Session(Func<ISolver> newSolver, Unrolling unrolling, Budget budget, Action<CheckTiming> record, bool keepSmtLib, SolvingMode mode = SolvingMode.Incremental)
    {
        _newSolver = newSolver;
        U = unrolling;
        _budget = budget;
        _record = record;
        _keepSmtLib = keepSmtLib;
        Mode = mode;
        if (mode == SolvingMode.Incremental) _solver = newSolver();
    }

    public Unrolling U { get; }
    public SolvingMode Mode { get; }

    /// The SMT-LIB script of the last check (when asked for).
    public string? LastSmtLib { get; private set; }

    public void Assert(Term t)
    {
        if (U.T.IsTrue(t)) return;
        if (_solver is not null) _solver.Assert(t);
        else _assertions.Add(t);
    }

    /// Checks the query built by <paramref name="encode"/> (which may also add permanent
    /// assertions); the model is handed to <paramref name="onSat"/>.
    public SolveResult Check(string what, int depth, Func<Term> encode, Action<IModel>? onSat, string? action = null)
    {
        var sw = Stopwatch.StartNew();
        var query = encode();
        double encodeSeconds = sw.Elapsed.TotalSeconds;
        SolveResult result;
        if (_solver is not null)
        {
            var literal = U.T.Z.BoolConst($"{what}#{_literals++}");
            _solver.Assert(U.T.Implies(literal, query));
            if (_keepSmtLib) LastSmtLib = _solver.ToSmtLib([literal]);
            sw.Restart();
            result = Solve(_solver, [literal], onSat);
            _solver.Assert(U.T.Not(literal));
        }
        else
        {
            using var solver = _newSolver();
            foreach (var a in _assertions) solver.Assert(a);
            solver.Assert(query);
            if (_keepSmtLib) LastSmtLib = solver.ToSmtLib([]);
            sw.Restart();
            result = Solve(solver, [], onSat);
        }
        _record(new CheckTiming(what, depth, encodeSeconds, sw.Elapsed.TotalSeconds, result, action));
        return result;
    }

    private SolveResult Solve(ISolver solver, IReadOnlyList<Term> assumptions, Action<IModel>? onSat)
    {
        var result = _budget.Stop is { } why ? SolveResult.Unknown(why) : solver.Check(assumptions, _budget.Remaining, _budget.Cancel);
        if (result.Status == SolveStatus.Sat && onSat is not null)
        {
            using var m = solver.Model();
            onSat(m);
        }
        return result;
    }

    public void Dispose() => _solver?.Dispose();
}
