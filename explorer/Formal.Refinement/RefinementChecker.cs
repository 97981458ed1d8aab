using System.Diagnostics;
using Formal.Explorer.Traces;
using Formal.Reference;

namespace Formal.Refinement;

/// Breadth-first exploration of a rule set's own state space (every enabled operation with every
/// parameter, and every injectable allocation failure), checking each step against the spec.
/// States are identified by <see cref="ReferenceFingerprint"/> (the canonical key's meaning);
/// each keeps its parent and the operation that reached it, and only the frontier keeps heaps.
/// The first failing step ends the run; being found level by level, its trace is a shortest one.
public sealed class RefinementChecker
{
    private readonly RefinementSetup _setup;
    private readonly Func<RuleSet> _factory;
    private readonly RefinementOptions _options;

    public RefinementChecker(RefinementSetup setup, Func<RuleSet> factory, RefinementOptions? options = null)
    {
        _setup = setup;
        _factory = factory;
        _options = options ?? new RefinementOptions();
    }

    private readonly record struct Pending(int Index, Heap Heap, AbstractState State, ulong Fingerprint);

    public RefinementResult Run()
    {
        var sw = Stopwatch.StartNew();
        var machine = new Machine(_factory, _setup.Bounds);
        var rules = machine.Rules;
        var checker = new StepChecker(_setup.NewAbstractSystem(), rules);
        var parents = new List<int>();
        var ops = new List<Operation?>();
        var seen = new HashSet<ReferenceFingerprint>();
        long transitions = 0, boundHits = 0, stutters = 0;
        var lastProgress = TimeSpan.Zero;

        RefinementResult Done(RefinementVerdict verdict, StepFailure? failure, IReadOnlyList<Operation>? path, int depth, string? reason) =>
            new(rules.Name, rules.KernelVersion, verdict, failure,
                failure is null || path is null ? null : CounterexampleBuilder.Build(_setup, machine, checker, path, failure),
                seen.Count, transitions, depth, sw.Elapsed.TotalSeconds, boundHits, stutters, reason);

        var h0 = machine.InitialHeap();
        var a0 = checker.Abstract(h0);
        seen.Add(ReferenceFingerprint.Of(h0));
        parents.Add(-1);
        ops.Add(null);
        if (checker.CheckInitial(h0, a0) is { } initialFailure) return Done(RefinementVerdict.Violation, initialFailure, [], 0, null);

        var frontier = new List<Pending> { new(0, h0, a0, checker.Fingerprint(a0)) };
        int depth = 0;
        while (frontier.Count > 0)
        {
            if (_options.MaxDepth is { } max && depth >= max)
                return Done(RefinementVerdict.Inconclusive, null, null, depth, $"--max-depth {max} reached with {frontier.Count:N0} states left");
            var next = new List<Pending>();
            foreach (var s in frontier)
            {
                foreach (var op in machine.EnumerateOperations(s.Heap))
                {
                    if (!_setup.Filter.Allows(op)) continue;
                    var r = machine.Apply(s.Heap, op);
                    if (r.Outcome.Kind == OutcomeKind.BoundReached) { boundHits++; continue; }
                    if (!r.Outcome.Applied) continue;
                    transitions++;
                    var after = checker.Abstract(r.After);
                    ulong fpAfter = checker.Fingerprint(after);
                    if (fpAfter == s.Fingerprint) stutters++;
                    if (checker.CheckStep(s.State, s.Fingerprint, r, after, fpAfter) is { } failure)
                        return Done(RefinementVerdict.Violation, failure, Path(parents, ops, s.Index).Append(op).ToList(), depth + 1, null);
                    if (!seen.Add(ReferenceFingerprint.Of(r.After))) continue;
                    parents.Add(s.Index);
                    ops.Add(op);
                    next.Add(new Pending(parents.Count - 1, r.After, after, fpAfter));
                }
                if (sw.Elapsed - lastProgress >= _options.ProgressInterval)
                {
                    lastProgress = sw.Elapsed;
                    _options.Progress?.Invoke(new RefinementProgress(rules.Name, depth, seen.Count, transitions, next.Count, sw.Elapsed.TotalSeconds));
                }
                if (_options.TimeLimit is { } limit && sw.Elapsed > limit)
                    return Done(RefinementVerdict.Inconclusive, null, null, depth, $"time limit of {limit.TotalSeconds:F0} s reached at depth {depth}");
            }
            frontier = next;
            if (frontier.Count > 0) depth++;
        }
        if (checker.InexactCanonicalForms > 0)
            return Done(RefinementVerdict.Inconclusive, null, null, depth, $"{checker.InexactCanonicalForms} spec states had an approximate canonical form");
        return Done(RefinementVerdict.Ok, null, null, depth, null);
    }

    private static IEnumerable<Operation> Path(List<int> parents, List<Operation?> ops, int index)
    {
        var path = new List<Operation>();
        for (int i = index; parents[i] >= 0; i = parents[i]) path.Add(ops[i]!);
        path.Reverse();
        return path;
    }
}
