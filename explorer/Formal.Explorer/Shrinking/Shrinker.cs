using Formal.Explorer.Replay;
using Formal.Explorer.Scenarios;
using Formal.Explorer.Traces;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;

namespace Formal.Explorer.Shrinking;

/// The spec under other constant values, for the smallest-configuration search: returns null
/// when the values are not a valid configuration.
public delegate SpecIr? SpecFactory(IReadOnlyList<(string Name, ConstValue Value)> constants);

/// A constant the search may lower, down to its declared minimum.
public sealed record ShrinkableConstant(string Name, long Min);

public sealed record ShrinkOptions
{
    /// Replays allowed in total; the result is locally minimal only if the budget sufficed.
    public int MaxTests { get; init; } = 20_000;
    public IReadOnlyList<ShrinkableConstant> Constants { get; init; } = [];
    public SpecFactory? Factory { get; init; }
}

public sealed record ShrinkResult(Trace Trace, StepRequest? Init, IReadOnlyList<StepRequest> Steps, int OriginalLength, int Tests, bool BudgetReached, SpecIr Ir);

/// Delta debugging of a failing sequence of operations: "fails the same way" means the replay
/// ends in a violation of the same kind and property (<see cref="Violation.SameAs"/>). Steps are
/// dropped (first every loop back to an earlier state, then ddmin over complements down to
/// single steps, so the result is 1-minimal: removing any one step loses the failure), each parameter is lowered to the first value of its domain
/// that still fails, choices are left open where that still fails, and smaller values of the
/// constants are tried (smallest first) when the spec declares a minimum for them.
public sealed class Shrinker(ShrinkOptions options)
{
    private int _tests;

    /// Throws <see cref="ArgumentException"/> when the steps do not fail the way given.
    public ShrinkResult Shrink(SpecIr ir, StepRequest? init, IReadOnlyList<StepRequest> steps, Violation target) =>
        TryShrink(ir, init, steps, target) ?? throw new ArgumentException("the sequence to shrink does not fail the way given");

    /// Null when replaying the steps does not fail the way given (nothing to shrink).
    public ShrinkResult? TryShrink(SpecIr ir, StepRequest? init, IReadOnlyList<StepRequest> steps, Violation target)
    {
        _tests = 0;
        var current = new Candidate(ir, new Replayer(new SpecTransitionSystem(ir, evaluator: Evaluator.Closures), CheckDeadlock(ir, target)), init, steps.ToList());
        if (Test(current, current.Steps, target) is not { } truncated) return null;
        current = current with { Steps = truncated };
        current = ShrinkSteps(current, target);
        current = SmallerConfigurations(current, target);

        var final = current.Replayer.Run(current.Init, current.Steps);
        return new ShrinkResult(final.Trace, current.Init, current.Steps, steps.Count, _tests, _tests >= options.MaxTests, current.Ir);
    }

    private sealed record Candidate(SpecIr Ir, Replayer Replayer, StepRequest? Init, List<StepRequest> Steps);

    private static bool CheckDeadlock(SpecIr ir, Violation target) => ir.CheckDeadlock || target.Kind == ViolationKind.Deadlock;

    /// The steps up to the violation if replaying them fails like the target; null otherwise.
    private List<StepRequest>? Test(Candidate c, List<StepRequest> steps, Violation target, StepRequest? init = null, bool useInit = false)
    {
        if (_tests >= options.MaxTests) return null;
        _tests++;
        var r = c.Replayer.Run(useInit ? init : c.Init, steps, decode: false);
        if (r.Stuck || !r.Trace.IsViolation || !r.Trace.Violation.SameAs(target)) return null;
        return steps.Take(Math.Min(steps.Count, r.Trace.Length)).ToList();
    }

    private Candidate ShrinkSteps(Candidate c, Violation target)
    {
        while (true)
        {
            c = c with { Steps = RemoveCycles(c, target) };
            c = c with { Steps = DropSteps(c, target) };
            var simpler = Simplify(c, target);
            if (simpler is null) return c;
            c = simpler;
        }
    }

    /// Cuts every stretch of steps that returns to a state seen before (ddmin alone cannot
    /// remove a loop whose steps only work together). The rest runs from the same state, so
    /// it behaves the same; the cut sequence is still tested, to be safe.
    private List<StepRequest> RemoveCycles(Candidate c, Violation target)
    {
        var steps = c.Steps;
        while (_tests < options.MaxTests)
        {
            _tests++;
            var states = c.Replayer.Run(c.Init, steps).Trace.Steps.Select(s => s.State).ToList();
            var last = new Dictionary<Formal.Spec.Types.EquatableArray<(string, Value)>, int>();
            for (int i = 0; i < states.Count; i++) last[states[i]] = i;
            int from = -1, to = -1;
            for (int i = 0; i < states.Count && from < 0; i++)
                if (last[states[i]] > i) (from, to) = (i, last[states[i]]);
            if (from < 0) return steps;
            var candidate = steps.Take(from).Concat(steps.Skip(to)).ToList();
            if (Test(c, candidate, target) is not { } fails) return steps;
            steps = fails;
        }
        return steps;
    }

    /// ddmin over complements: remove one of n chunks; on success coarsen, otherwise refine
    /// until chunks are single steps.
    private List<StepRequest> DropSteps(Candidate c, Violation target)
    {
        var steps = c.Steps;
        int n = 2;
        while (steps.Count > 0 && _tests < options.MaxTests)
        {
            n = Math.Min(n, steps.Count);
            bool reduced = false;
            int size = (steps.Count + n - 1) / n;
            for (int start = 0; start < steps.Count; start += size)
            {
                var candidate = steps.Take(start).Concat(steps.Skip(start + size)).ToList();
                if (Test(c, candidate, target) is { } fails)
                {
                    steps = fails;
                    n = Math.Max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (reduced) continue;
            if (n >= steps.Count) break;
            n = Math.Min(n * 2, steps.Count);
        }
        return steps;
    }

    /// One pass of parameter lowering and choice opening; null when nothing changed.
    private Candidate? Simplify(Candidate c, Violation target)
    {
        bool changed = false;
        var steps = c.Steps;
        for (int i = 0; i < steps.Count; i++)
        {
            var action = c.Ir.Actions.FirstOrDefault(a => a.Name == steps[i].Action);
            if (action is null) continue;
            for (int p = 0; p < steps[i].Params.Count; p++)
            {
                var param = action.Params.FirstOrDefault(x => x.Name == steps[i].Params[p].Name);
                if (param is null) continue;
                foreach (var value in SpecActions.Domain(param.Type))
                {
                    if (value == steps[i].Params[p].Value) break;
                    var candidate = steps.ToList();
                    candidate[i] = steps[i].WithParam(p, value);
                    if (Test(c, candidate, target) is { } fails)
                    {
                        steps = fails;
                        changed = true;
                        break;
                    }
                }
                if (i >= steps.Count) break;
            }
            if (i < steps.Count && steps[i].Choices is { Count: > 0 })
            {
                var candidate = steps.ToList();
                candidate[i] = steps[i] with { Choices = null };
                if (Test(c, candidate, target) is { } fails)
                {
                    steps = fails;
                    changed = true;
                }
            }
        }
        var init = c.Init;
        if (init is { Choices.Count: > 0 } && Test(c, steps, target, null, useInit: true) is { } f2)
        {
            steps = f2;
            init = null;
            changed = true;
        }
        return changed ? c with { Steps = steps, Init = init } : null;
    }

    /// Lowers each shrinkable constant to the smallest value (from its minimum up) at which the
    /// shrunk steps still fail the same way, shrinking the steps again after each success.
    private Candidate SmallerConfigurations(Candidate c, Violation target)
    {
        if (options.Factory is null) return c;
        foreach (var k in options.Constants)
        {
            var now = c.Ir.Constants.FirstOrDefault(x => x.Name == k.Name);
            if (now.Name is null || now.Value.IsBool) continue;
            for (long v = k.Min; v < now.Value.Int && _tests < options.MaxTests; v++)
            {
                var consts = c.Ir.Constants.Select(x => x.Name == k.Name ? (x.Name, ConstValue.OfInt(v)) : (x.Name, x.Value)).ToList();
                var ir = options.Factory(consts);
                if (ir is null) continue;
                var smaller = new Candidate(ir, new Replayer(new SpecTransitionSystem(ir, evaluator: Evaluator.Closures), CheckDeadlock(ir, target)), c.Init, c.Steps);
                if (Test(smaller, smaller.Steps, target) is not { } fails) continue;
                c = ShrinkSteps(smaller with { Steps = fails }, target);
                break;
            }
        }
        return c;
    }
}
