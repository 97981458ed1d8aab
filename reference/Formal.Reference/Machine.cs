using Formal.Reference.RuleSets;

namespace Formal.Reference;

/// <summary>
/// A rule set plus bounds: applies user-visible operations to heaps and enumerates the applicable ones.
/// Heaps are values for the machine: <see cref="Apply"/> never modifies its argument.
/// </summary>
public sealed class Machine
{
    private readonly Func<RuleSet> _factory;

    public Machine(Func<RuleSet> factory, Bounds? bounds = null)
    {
        _factory = factory;
        Rules = factory();
        Bounds = bounds ?? Bounds.Default;
    }

    public static Machine Create(string ruleSetName, Bounds? bounds = null) => new(RuleSetRegistry.Factory(ruleSetName), bounds);

    /// <summary>An instance of the rule set for its metadata (name, version, commits, era properties).</summary>
    public RuleSet Rules { get; }

    public Bounds Bounds { get; }

    public Heap InitialHeap() => Heap.Initial();

    /// <summary>
    /// Applies <paramref name="op"/> to a copy of <paramref name="heap"/>. A fatal violation halts the copy
    /// (<see cref="Heap.HaltedBy"/>); warnings and counter underflows are reported and execution continues, as in
    /// the kernel. Not applicable and bound-reached operations return the heap unchanged.
    /// <paramref name="failing"/>: allocation kinds whose next allocation fails, as if <c>inject</c> of each had
    /// come first; the result says which kinds the operation tried to allocate and which failures it left pending.
    /// </summary>
    public StepResult Apply(Heap heap, Operation op, bool log = false, AllocKinds failing = AllocKinds.None)
    {
        var trace = log ? new List<string>() : null;
        var why = Applicability.WhyNot(heap, Bounds, Rules, op);
        if (why is not null)
            return new StepResult(op, new Outcome(OutcomeKind.NotApplicable, 0, [], why, null), heap, []);
        if (op is ForkOp && heap.Processes.Count >= Bounds.MaxProcesses)
            return new StepResult(op, new Outcome(OutcomeKind.BoundReached, 0, [], $"process bound {Bounds.MaxProcesses}", null), heap, []);

        // A load changes nothing the model keeps (the zero page is not modelled): the heap is its own
        // successor, shared as heaps are values.
        if (op is ReadOp)
            return new StepResult(op, new Outcome(OutcomeKind.Ok, 0, [], null, null), heap, trace ?? [], LeftPending: failing);

        var after = heap.Clone();
        if (failing != AllocKinds.None)
            for (var k = AllocKind.Avc; k <= AllocKind.Vma; k++)
                if (failing.Has(k))
                    after.PendingFailures.Add(k);
        var rs = _factory();
        rs.Attach(after, Bounds, trace);
        int ret = 0;
        string? detail = null;
        try
        {
            ret = rs.Execute(op, out detail);
        }
        catch (KernelHaltException e)
        {
            after.HaltedBy = e.Violation;
        }
        catch (BoundReachedException e)
        {
            return new StepResult(op, new Outcome(OutcomeKind.BoundReached, 0, [], e.Message, null), heap, trace ?? [], rs.Tried, failing & ~rs.Tried);
        }
        after.CollectGarbage();
        var violations = rs.Violations.ToList();
        var kind = violations.Count > 0 ? OutcomeKind.Violation : ret < 0 ? OutcomeKind.Error : OutcomeKind.Ok;
        return new StepResult(op, new Outcome(kind, ret, violations, null, detail), after, trace ?? [], rs.Tried, failing & ~rs.Tried);
    }

    /// <summary>
    /// Every applicable operation in a fixed order: mmap, munmap, mprotect, madvise, mremap, write, read, fork,
    /// exit, rmap_walk (each by process id, then addresses ascending, then prot/advice/flag), then inject.
    /// A fork that the process bound forbids is left out.
    /// </summary>
    public IEnumerable<Operation> EnumerateOperations(Heap heap)
    {
        if (heap.Halted)
            yield break;
        long n = Bounds.AddressSpacePages;
        var pids = heap.Processes.Select(p => p.Pid).ToList();
        var prots = new[] { Prot.R, Prot.RW, Prot.RWX };
        var advices = new[] { Advice.DontFork, Advice.DoFork, Advice.WipeOnFork, Advice.KeepOnFork };

        IEnumerable<Operation> Candidates()
        {
            foreach (var pid in pids)
                for (long s = 0; s < n; s++)
                    for (long e = s + 1; e <= n; e++)
                        foreach (var p in prots)
                            yield return new MmapOp(pid, s, e, p);
            foreach (var pid in pids)
                for (long s = 0; s < n; s++)
                    for (long e = s + 1; e <= n; e++)
                        yield return new MunmapOp(pid, s, e);
            foreach (var pid in pids)
                for (long s = 0; s < n; s++)
                    for (long e = s + 1; e <= n; e++)
                        foreach (var p in prots)
                            yield return new MprotectOp(pid, s, e, p);
            foreach (var pid in pids)
                for (long s = 0; s < n; s++)
                    for (long e = s + 1; e <= n; e++)
                        foreach (var a in advices)
                            yield return new MadviseOp(pid, s, e, a);
            foreach (var pid in pids)
                for (long s = 0; s < n; s++)
                    for (long e = s + 1; e <= n; e++)
                        for (long t = 0; t + (e - s) <= n; t++)
                        {
                            yield return new MremapOp(pid, s, e, t, false);
                            yield return new MremapOp(pid, s, e, t, true);
                        }
            foreach (var pid in pids)
                for (long a = 0; a < n; a++)
                    yield return new WriteOp(pid, a);
            foreach (var pid in pids)
                for (long a = 0; a < n; a++)
                    yield return new ReadOp(pid, a);
            foreach (var pid in pids)
                yield return new ForkOp(pid);
            foreach (var pid in pids)
                yield return new ExitOp(pid);
            foreach (var pid in pids)
                for (long a = 0; a < n; a++)
                    yield return new RmapWalkOp(pid, a);
            yield return new InjectOp(AllocKind.Avc);
            yield return new InjectOp(AllocKind.AnonVma);
            yield return new InjectOp(AllocKind.Vma);
        }

        foreach (var op in Candidates())
        {
            if (!Applicability.Applies(heap, Bounds, Rules, op))
                continue;
            if (op is ForkOp && heap.Processes.Count >= Bounds.MaxProcesses)
                continue;
            yield return op;
        }
    }

    /// <summary>Applies a whole operation sequence from the initial heap (or <paramref name="start"/>), step by step.</summary>
    public IReadOnlyList<StepResult> Run(IEnumerable<Operation> ops, Heap? start = null, bool log = false)
    {
        var heap = start ?? InitialHeap();
        var results = new List<StepResult>();
        foreach (var op in ops)
        {
            var r = Apply(heap, op, log);
            results.Add(r);
            heap = r.After;
        }
        return results;
    }

    public IReadOnlyList<StepResult> Run(params string[] ops) => Run(ops.Select(OperationParser.Parse));

    public IReadOnlyList<StepResult> Run(Heap start, params string[] ops) => Run(ops.Select(OperationParser.Parse), start);
}
