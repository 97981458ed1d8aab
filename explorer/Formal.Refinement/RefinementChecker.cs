using System.Diagnostics;
using Formal.Explorer.Traces;
using Formal.Reference;

namespace Formal.Refinement;

/// Breadth-first exploration of a rule set's own state space (every enabled operation with every
/// parameter, and every injectable allocation failure), checking each step against the spec.
/// States are identified by <see cref="ReferenceFingerprint"/> (the canonical key's meaning);
/// each keeps its parent, the operation that reached it and its spec state, and only the frontier
/// keeps heaps. The first failing step ends the run; being found level by level, its trace is a
/// shortest one in operations.
///
/// Allocation failures: `inject(kind)` only makes the next allocation of that kind fail, so an
/// injection is explored together with the operation whose allocation it fails, not as a step of
/// its own that would copy every state once per set of pending failures. Each operation runs with
/// no failure, then with every set of failing kinds such that each kind fails at an allocation the
/// run with the smaller set reached (the first allocation of each kind fails, as with inject). This
/// reaches the same heaps as exploring injections as steps, less the copies with failures still
/// pending; in a counterexample the failures show as `inject` steps right before their operation.
///
/// Work that cannot change an answer is skipped (README.md, "Performance"): a heap seen before
/// passed its state checks when it was first reached, so only its spec state is looked up; a spec
/// state's invariants and fingerprint are computed once (<see cref="AbstractStateTable"/>); a step
/// between the same spec states by the same operation is matched against the spec once. The
/// failing step itself is checked again in full, so its reasons are those of <see cref="StepChecker.CheckStep"/>.
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

    private readonly record struct Pending(int Index, Heap Heap, int Abstract);

    public RefinementResult Run()
    {
        var sw = Stopwatch.StartNew();
        var machine = new Machine(_factory, _setup.Bounds);
        var rules = machine.Rules;
        var checker = new StepChecker(_setup.NewAbstractSystem(), rules);
        var abstracts = new AbstractStateTable();
        var parents = new List<int>();
        var ops = new List<Operation?>();
        var failings = new List<AllocKinds>();
        var variants = new List<AllocKinds>(8);
        var abstractOf = new List<int>();
        var seen = new Dictionary<ReferenceFingerprint, int>();
        var matched = new HashSet<(int From, long Op, ulong To)>();
        long transitions = 0, boundHits = 0, stutters = 0;
        var lastProgress = TimeSpan.Zero;

        RefinementResult Done(RefinementVerdict verdict, StepFailure? failure, IReadOnlyList<Operation>? path, int depth, string? reason) =>
            new(rules.Name, rules.KernelVersion, verdict, failure,
                failure is null || path is null ? null : CounterexampleBuilder.Build(_setup, machine, checker, path, failure),
                seen.Count, transitions, depth, sw.Elapsed.TotalSeconds, boundHits, stutters, reason);

        var h0 = machine.InitialHeap();
        var n0 = new CanonicalNumbering(h0);
        var a0 = checker.Abstract(h0, n0);
        if (checker.CheckInitial(h0, a0) is { } initialFailure) return Done(RefinementVerdict.Violation, initialFailure, [], 0, null);
        var (id0, _) = abstracts.Intern(a0.Packed!, checker.Fingerprint);
        seen.Add(ReferenceFingerprint.Of(h0, n0), 0);
        parents.Add(-1);
        ops.Add(null);
        failings.Add(AllocKinds.None);
        abstractOf.Add(id0);

        var frontier = new List<Pending> { new(0, h0, id0) };
        int depth = 0;
        while (frontier.Count > 0)
        {
            if (_options.MaxDepth is { } max && depth >= max)
                return Done(RefinementVerdict.Inconclusive, null, null, depth, $"--max-depth {max} reached with {frontier.Count:N0} states left");
            var next = new List<Pending>();
            foreach (var s in frontier)
            {
                ulong fp = abstracts.Fingerprint(s.Abstract);
                foreach (var op in machine.EnumerateOperations(s.Heap))
                {
                    // An injected failure is explored with the operation it fails (see the class comment).
                    if (op is InjectOp || !_setup.Filter.Allows(op)) continue;
                    long opCode = OperationLabels.Code(op);
                    variants.Clear();
                    variants.Add(AllocKinds.None);
                    for (int vi = 0; vi < variants.Count; vi++)
                    {
                        var failing = variants[vi];
                        var r = machine.Apply(s.Heap, op, failing: failing);
                        // A failure the operation never reached makes no difference: that run is the one
                        // without it, explored on its own.
                        if (r.LeftPending != AllocKinds.None) continue;
                        if (_setup.Filter.Inject)
                            for (var k = AllocKind.Avc; k <= AllocKind.Vma; k++)
                                if (r.Tried.Has(k) && !failing.Has(k) && !variants.Contains(failing | k.Bit())) variants.Add(failing | k.Bit());
                        if (r.Outcome.Kind == OutcomeKind.BoundReached) { boundHits++; continue; }
                        if (!r.Outcome.Applied) continue;
                        transitions++;
                        bool ok = r.Outcome.Violations.Count == 0;
                        // An operation that left the heap itself in place (a read) is a step to the same state.
                        bool same = ReferenceEquals(r.After, s.Heap);
                        var n = same ? null : new CanonicalNumbering(r.After);
                        var key = same ? default : ReferenceFingerprint.Of(r.After, n!);
                        int index = s.Index;
                        bool known = same || seen.TryGetValue(key, out index);
                        int after = known ? abstractOf[index] : -1;
                        if (!known)
                        {
                            var a = checker.Abstract(r.After, n!);
                            if (a.Packed is null) ok = false;
                            else
                            {
                                bool added;
                                (after, added) = abstracts.Intern(a.Packed, checker.Fingerprint);
                                if (added && checker.InvariantProblem(a.Packed) is not null) ok = false;
                                if (checker.DegreeCheck(r.After) is not null) ok = false;
                            }
                        }
                        if (ok)
                        {
                            ulong fpAfter = abstracts.Fingerprint(after);
                            if (fpAfter == fp) stutters++;
                            else if (!matched.Contains((s.Abstract, opCode, fpAfter)))
                            {
                                if (checker.StepAllowed(abstracts.Packed(s.Abstract), r, fpAfter)) matched.Add((s.Abstract, opCode, fpAfter));
                                else ok = false;
                            }
                        }
                        if (!ok)
                        {
                            // The step fails: check it again in full for all of its reasons.
                            var source = new AbstractState([], abstracts.Packed(s.Abstract), null);
                            var full = checker.Abstract(r.After, n ?? new CanonicalNumbering(r.After));
                            var failure = checker.CheckStep(source, fp, r, full, checker.Fingerprint(full));
                            if (failure is null) throw new InvalidOperationException($"{rules.Name}: the checks disagree on step {op} (a cached answer differs from the full check)");
                            var path = Path(parents, ops, failings, s.Index);
                            AddStep(path, op, failing);
                            return Done(RefinementVerdict.Violation, failure, path, depth + 1, null);
                        }
                        if (known) continue;
                        seen.Add(key, parents.Count);
                        parents.Add(s.Index);
                        ops.Add(op);
                        failings.Add(failing);
                        abstractOf.Add(after);
                        next.Add(new Pending(parents.Count - 1, r.After, after));
                    }
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

    /// The operations to a state, each failed allocation written as the `inject` before its operation.
    private static List<Operation> Path(List<int> parents, List<Operation?> ops, List<AllocKinds> failings, int index)
    {
        var steps = new List<int>();
        for (int i = index; parents[i] >= 0; i = parents[i]) steps.Add(i);
        steps.Reverse();
        var path = new List<Operation>();
        foreach (int i in steps) AddStep(path, ops[i]!, failings[i]);
        return path;
    }

    private static void AddStep(List<Operation> path, Operation op, AllocKinds failing)
    {
        for (var k = AllocKind.Avc; k <= AllocKind.Vma; k++)
            if (failing.Has(k)) path.Add(new InjectOp(k));
        path.Add(op);
    }
}
