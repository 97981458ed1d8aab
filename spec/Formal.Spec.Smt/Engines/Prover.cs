using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Engines;

public sealed record ProveOptions
{
    /// BMC to this depth (without --induction: the whole run; with it: also the depth searched
    /// for a counterexample to induction's pre-state).
    public int? BmcDepth { get; init; }

    /// Try k-induction with k = 1..K (default 1 when neither bound is given).
    public int? InductionK { get; init; }

    /// Depth searched for a counterexample to induction when --bmc is not given.
    public int DefaultCtiSearchDepth { get; init; } = 10;

    /// For the whole run.
    public TimeSpan? Timeout { get; init; }

    /// Overrides the spec's `options: deadlock`.
    public bool? CheckDeadlock { get; init; }

    /// Keep the SMT-LIB text of the deciding query (for --dump-smt).
    public bool KeepSmtLib { get; init; }

    /// Called after every solver check (progress lines).
    public Action<CheckTiming>? OnCheck { get; init; }

    public CancellationToken Cancel { get; init; }

    /// Incremental solving, or a fresh solver per query (see README.md).
    public SolvingMode Mode { get; init; } = SolvingMode.Incremental;

    /// Actions with at most this many parameter combinations are encoded once per combination.
    public int MaxGroundedInstances { get; init; } = Encoding.SpecEncoder.DefaultMaxGroundedInstances;

    /// The induction step is checked per action and, for an action with at most this many
    /// parameter combinations, per combination (0: per action only).
    public int MaxCasesPerAction { get; init; }

    /// Wraps the Z3 solver (tests use it to simulate unknown answers).
    public Func<Z3Solver, ISolver>? WrapSolver { get; init; }
}

/// `formal prove`: BMC, k-induction, and for a counterexample to induction a BMC search that
/// says whether its pre-state is reachable. One Z3 context; BMC and the induction step use
/// separate solvers over the same unrolled terms.
public static class Prover
{
    public static ProveResult Run(SpecIr ir, ProveOptions o)
    {
        var budget = new Budget(o.Timeout, o.Cancel);
        var timings = new List<CheckTiming>();
        void Record(CheckTiming t)
        {
            timings.Add(t);
            o.OnCheck?.Invoke(t);
        }
        var diags = new DiagnosticBag();
        using var z = new Z3Context();
        var u = new Unrolling(ir, z, o.CheckDeadlock ?? ir.CheckDeadlock, diags, o.MaxGroundedInstances);
        ISolver NewSolver() => o.WrapSolver is { } wrap ? wrap(z.Solver()) : z.Solver();
        using var bmc = new Session(NewSolver, u, budget, Record, o.KeepSmtLib, o.Mode);
        var b = new BmcSession(bmc);
        string? smt = null;

        ProveResult Done(ProveVerdict v, int? provedK = null, ClaimedPath? violation = null, CounterexampleToInduction? cti = null, string? reason = null) =>
            new(diags.HasErrors ? ProveVerdict.Unsupported : v, Math.Max(b.Checked, 0), provedK, violation, cti, reason, timings, diags.Items, smt, budget.Elapsed.TotalSeconds);

        // BMC up to `depth`: null when clean, else the result to report.
        ProveResult? Bmc(int depth)
        {
            while (b.Depth < depth)
            {
                var (r, path) = b.Next();
                smt = bmc.LastSmtLib;
                if (diags.HasErrors) return Done(ProveVerdict.Unsupported);
                if (r.Status == SolveStatus.Unknown) return Done(ProveVerdict.Unknown, reason: $"BMC at depth {b.Depth + 1}: {r.Reason}");
                if (r.Status == SolveStatus.Sat) return Done(ProveVerdict.Violation, violation: path);
            }
            return null;
        }

        int? k = o.InductionK ?? (o.BmcDepth is null ? 1 : null);
        if (k is null)
        {
            if (Bmc(o.BmcDepth!.Value) is { } bmcResult) return bmcResult;
            // No loop-free path longer than the bound: BMC has seen every reachable state.
            var ext = b.CanExtend();
            return ext.Status == SolveStatus.Unsat
                ? Done(ProveVerdict.Proved, reason: $"every reachable state is reached within {b.Depth} steps")
                : Done(ProveVerdict.BoundReached);
        }

        // Base case (and any extra BMC asked for): no violation within max(bmc, k) steps.
        int baseDepth = Math.Max(o.BmcDepth ?? 0, k.Value);
        if (Bmc(baseDepth) is { } found) return found;

        using var step = new Session(NewSolver, u, budget, Record, o.KeepSmtLib, o.Mode);
        var ind = new InductionSession(step, o.MaxCasesPerAction);
        ClaimedPath? last = null;
        for (int i = 1; i <= k.Value; i++)
        {
            var (r, cti) = ind.Check(i);
            smt = step.LastSmtLib;
            if (diags.HasErrors) return Done(ProveVerdict.Unsupported);
            if (r.Status == SolveStatus.Unknown) return Done(ProveVerdict.Unknown, reason: $"induction step with k={i}: {r.Reason}");
            if (r.Status == SolveStatus.Unsat) return Done(ProveVerdict.Proved, provedK: i);
            last = cti;
        }

        var ctiSmt = step.LastSmtLib;

        // A counterexample to induction: is its pre-state reachable? A fresh BMC session asks at
        // each depth (earlier frames of a deeper unrolling would have to have successors). If
        // the pre-state is reachable at depth d, its bad end is reachable too, so BMC to that
        // depth finds a real violation (perhaps a shorter one).
        int search = o.BmcDepth ?? Math.Max(k.Value, o.DefaultCtiSearchDepth);
        var target = u.Codec.Constant(last!.Steps[0].State!);
        int? reachableAt = null;
        using (var reach = new Session(NewSolver, u, budget, Record, false, o.Mode))
        {
            var rb = new BmcSession(reach);
            for (int d = 0; d <= search && reachableAt is null; d++)
            {
                if (Bmc(d) is { } violation) return violation;
                rb.Unroll();
                var r = rb.ReachesNow(target);
                if (r.Status == SolveStatus.Unknown) return Done(ProveVerdict.Unknown, reason: $"reachability of the counterexample to induction at depth {d}: {r.Reason}");
                if (r.Status == SolveStatus.Sat) reachableAt = d;
            }
        }
        // The bad end is the path's length (k, or k + 1 with a failing step) after the pre-state.
        if (reachableAt is { } at && Bmc(at + last.Length) is { } real) return real;
        smt = ctiSmt;
        return Done(ProveVerdict.NotInductive, cti: new CounterexampleToInduction(k.Value, last, search, reachableAt),
            reason: $"the induction step fails for k={k.Value}");
    }
}
