using System.Runtime.CompilerServices;

namespace Formal.Reference;

/// <summary>How an era counts users of an anon_vma.</summary>
public enum CounterModel
{
    /// <summary>v2.6.34 - v3.18: no counters besides the refcount.</summary>
    None,
    /// <summary>v3.19 - v6.0 (7a3ef208e662): one <c>degree</c> = VMAs + live children (+1 self-link for a root).</summary>
    Degree,
    /// <summary>v6.0-rc4+ (2555283eb40d): <c>num_children</c> and <c>num_active_vmas</c>.</summary>
    SplitCounters,
}

/// <summary>The operation passed to the 2026 <c>anon_vma_clone()</c> (enum vma_operation).</summary>
public enum VmaOperation
{
    Split,
    MergeUnfaulted,
    Remap,
    Fork,
}

/// <summary>
/// The kernel's anonymous-rmap code as executable C#. This class is the base era: v6.12
/// (split counters of 2555283eb40d, the singular-neighbour merge rule of 965f55dea0e3, mm/vma.c of
/// 01c373e9). Every historic rule set is a small subclass that overrides only the kernel functions that
/// differ in its era; see reference/README.md for how to write one.
/// <para>
/// An instance executes one operation at a time on one heap: <see cref="Machine"/> creates a fresh instance per
/// operation through the rule set's factory, so kernel functions can use <see cref="H"/> directly.
/// </para>
/// </summary>
public abstract partial class RuleSet
{
    /// <summary>Stable short name used by <c>--rule-set NAME</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The kernel version (or patch) whose code this rule set follows.</summary>
    public abstract string KernelVersion { get; }

    /// <summary>The commits (or mails) whose code this rule set follows, in the order they matter.</summary>
    public abstract string Commits { get; }

    /// <summary>One line on what distinguishes this rule set.</summary>
    public abstract string Summary { get; }

    /// <summary>Which counters the era maintains (used by the code below and by invariant I8).</summary>
    public virtual CounterModel Counters => CounterModel.SplitCounters;

    /// <summary>anon_vma->parent exists (v3.19+); invariant I7 is only meaningful with it.</summary>
    public virtual bool HasParentLinks => true;

    /// <summary>
    /// Whether the era's anon_vma_clone() keeps the "newest first, root last" chain order. The 2026 rework
    /// builds the destination chain in reverse (see V3), so invariant I4's ordering clause does not apply there.
    /// </summary>
    public virtual bool ChainOrderRootLast => true;

    /// <summary>MADV_WIPEONFORK exists (v4.14+).</summary>
    public virtual bool SupportsWipeOnFork => true;

    /// <summary>MREMAP_DONTUNMAP exists (v5.7+).</summary>
    public virtual bool SupportsMremapDontUnmap => true;

    /// <summary>PageAnonExclusive exists (v5.19+).</summary>
    public virtual bool HasAnonExclusive => true;

    /// <summary>
    /// The VMAs live in a maple tree (v6.1+), whose node preallocation (vma_iter_prealloc) can fail in the middle
    /// of a merge, split or link. The linked-list eras have no such failure point.
    /// </summary>
    public virtual bool UsesMapleTree => true;

    // ---------------------------------------------------------------- execution context

    /// <summary>The heap being modified (a private clone owned by the running operation).</summary>
    protected internal Heap H { get; private set; } = null!;

    protected internal Bounds B { get; private set; } = Bounds.Default;

    internal List<Violation> Violations { get; } = new();

    /// <summary>The kinds of allocation the running operation attempted (injected failures included).</summary>
    internal AllocKinds Tried { get; private set; }

    private List<string>? _log;
    private int _depth;

    internal void Attach(Heap heap, Bounds bounds, List<string>? log)
    {
        H = heap;
        B = bounds;
        _log = log;
        _depth = 0;
        Tried = AllocKinds.None;
        Violations.Clear();
    }

    /// <summary>Whether a step log is being kept (messages for it are only built then).</summary>
    public bool Logging => _log is not null;

    // Trace overloads by arity: without a log they return at once, with no argument array or boxing.
    protected TraceScope Trace(string function) => _log is null ? default : Trace(function, Array.Empty<object?>());
    protected TraceScope Trace<T1>(string function, T1 a1) => _log is null ? default : Trace(function, new object?[] { a1 });
    protected TraceScope Trace<T1, T2>(string function, T1 a1, T2 a2) => _log is null ? default : Trace(function, new object?[] { a1, a2 });
    protected TraceScope Trace<T1, T2, T3>(string function, T1 a1, T2 a2, T3 a3) =>
        _log is null ? default : Trace(function, new object?[] { a1, a2, a3 });
    protected TraceScope Trace<T1, T2, T3, T4>(string function, T1 a1, T2 a2, T3 a3, T4 a4) =>
        _log is null ? default : Trace(function, new object?[] { a1, a2, a3, a4 });
    protected TraceScope Trace<T1, T2, T3, T4, T5>(string function, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) =>
        _log is null ? default : Trace(function, new object?[] { a1, a2, a3, a4, a5 });

    /// <summary>Records entry into a kernel function in the step log; dispose on return.</summary>
    protected TraceScope Trace(string function, params object?[] args)
    {
        if (_log is null)
            return default;
        var text = new string(' ', 2 * _depth) + function + "(" + string.Join(", ", args.Select(FormatArg)) + ")";
        _log.Add(text);
        _depth++;
        return new TraceScope(this);
    }

    /// <summary>Adds a free-form note to the step log (e.g. which merge case was taken).</summary>
    protected void Note(string text)
    {
        if (_log is not null)
            _log.Add(new string(' ', 2 * _depth) + "// " + text);
    }

    /// <summary>A note whose text is only formatted while a step log is kept.</summary>
    protected void Note([InterpolatedStringHandlerArgument("")] LazyMessage text)
    {
        if (_log is not null)
            Note(text.ToStringAndClear());
    }

    private static string FormatArg(object? a) => a switch
    {
        null => "NULL",
        bool b => b ? "true" : "false",
        _ => a.ToString() ?? "?",
    };

    protected readonly struct TraceScope(RuleSet? owner) : IDisposable
    {
        public void Dispose()
        {
            if (owner is not null)
                owner._depth--;
        }
    }

    // ---------------------------------------------------------------- violations

    /// <summary>Reports a violation; fatal ones unwind the operation.</summary>
    protected void Report(ViolationKind kind, string function, string macro, string message)
    {
        var v = new Violation(kind, function, macro, message);
        Violations.Add(v);
        Note("VIOLATION " + v);
        if (v.IsFatal)
            throw new KernelHaltException(v);
    }

    /// <summary>WARN_ON-family assertion: reports and returns the condition; execution continues.</summary>
    protected bool WarnOn(bool condition, string function, string macro, string message)
    {
        if (condition)
            Report(ViolationKind.Warning, function, macro, message);
        return condition;
    }

    /// <summary>WarnOn with a message that is only formatted when the condition holds.</summary>
    protected bool WarnOn(bool condition, string function, string macro, [InterpolatedStringHandlerArgument("condition")] LazyMessage message) =>
        WarnOn(condition, function, macro, condition ? message.ToStringAndClear() : "");

    /// <summary>BUG_ON-family assertion: reports and halts the operation when the condition holds.</summary>
    protected void BugOn(bool condition, string function, string macro, string message)
    {
        if (condition)
            Report(ViolationKind.Bug, function, macro, message);
    }

    /// <summary>BugOn with a message that is only formatted when the condition holds.</summary>
    protected void BugOn(bool condition, string function, string macro, [InterpolatedStringHandlerArgument("condition")] LazyMessage message) =>
        BugOn(condition, function, macro, condition ? message.ToStringAndClear() : "");

    /// <summary>
    /// A pointer dereference as the kernel does it: NULL is a NULL dereference, a freed object a use after free.
    /// </summary>
    protected T Deref<T>(T? obj, string function, string what) where T : HeapObject
    {
        if (obj is null)
            Report(ViolationKind.NullDereference, function, "", $"{what} is NULL");
        else if (obj.Freed)
            Report(ViolationKind.UseAfterFree, function, "", $"{what} = {obj} was freed");
        return obj!;
    }

    /// <summary>Deref with a description that is only formatted when the dereference goes wrong.</summary>
    protected T Deref<T>(T? obj, string function, [InterpolatedStringHandlerArgument("obj")] LazyMessage what) where T : HeapObject =>
        obj is null || obj.Freed ? Deref(obj, function, what.ToStringAndClear()) : obj;

    /// <summary>Decrements a counter field; a decrement below zero is reported (the kernel wraps silently).</summary>
    protected void Decrement(AnonVma av, AnonVmaCounter counter, string function)
    {
        long value = counter switch
        {
            AnonVmaCounter.Degree => --av.Degree,
            AnonVmaCounter.NumChildren => --av.NumChildren,
            AnonVmaCounter.NumActiveVmas => --av.NumActiveVmas,
            _ => throw new ArgumentOutOfRangeException(nameof(counter)),
        };
        if (value < 0)
            Report(ViolationKind.CounterUnderflow, function, "", $"{av}->{CounterName(counter)} went below zero ({value})");
    }

    protected static void Increment(AnonVma av, AnonVmaCounter counter)
    {
        switch (counter)
        {
            case AnonVmaCounter.Degree: av.Degree++; break;
            case AnonVmaCounter.NumChildren: av.NumChildren++; break;
            case AnonVmaCounter.NumActiveVmas: av.NumActiveVmas++; break;
            default: throw new ArgumentOutOfRangeException(nameof(counter));
        }
    }

    protected static string CounterName(AnonVmaCounter c) => c switch
    {
        AnonVmaCounter.Degree => "degree",
        AnonVmaCounter.NumChildren => "num_children",
        _ => "num_active_vmas",
    };

    protected enum AnonVmaCounter
    {
        Degree,
        NumChildren,
        NumActiveVmas,
    }

    // ---------------------------------------------------------------- allocation

    /// <summary>
    /// The single allocator every allocation site goes through: a pending <c>inject(kind)</c> makes it fail
    /// (and is consumed); exceeding the bounds discards the whole operation.
    /// </summary>
    private bool ConsumeInjectedFailure(AllocKind kind)
    {
        Tried |= kind.Bit();
        if (!H.PendingFailures.Remove(kind))
            return false;
        Note($"injected failure: {kind} allocation fails");
        return true;
    }

    /// <summary>kmem_cache_alloc(anon_vma_cachep); the fields are set by <see cref="AnonVmaAlloc"/>.</summary>
    protected AnonVma? AllocAnonVmaObject()
    {
        if (ConsumeInjectedFailure(AllocKind.AnonVma))
            return null;
        if (H.LiveCount(AllocKind.AnonVma) >= B.MaxAnonVmas)
            throw new BoundReachedException($"anon_vma bound {B.MaxAnonVmas}");
        var av = new AnonVma { Id = H.NextId++ };
        av.Root = av;
        av.Parent = av;
        H.AnonVmaList.Add(av);
        return av;
    }

    /// <summary>anon_vma_chain_alloc().</summary>
    protected AnonVmaChain? AnonVmaChainAlloc()
    {
        if (ConsumeInjectedFailure(AllocKind.Avc))
            return null;
        var avc = new AnonVmaChain { Id = H.NextId++ };
        H.AvcList.Add(avc);
        return avc;
    }

    /// <summary>anon_vma_chain_free(): kmem_cache_free of an AVC.</summary>
    protected void AnonVmaChainFree(AnonVmaChain avc, string function)
    {
        if (avc.Freed)
            Report(ViolationKind.UseAfterFree, function, "", $"double free of {avc}");
        avc.Freed = true;
    }

    /// <summary>vm_area_alloc() / the allocation inside vm_area_dup().</summary>
    protected Vma? VmAreaAllocObject()
    {
        if (ConsumeInjectedFailure(AllocKind.Vma))
            return null;
        if (H.LiveCount(AllocKind.Vma) >= B.MaxVmas)
            throw new BoundReachedException($"VMA bound {B.MaxVmas}");
        var v = new Vma { Id = H.NextId++ };
        H.VmaList.Add(v);
        return v;
    }

    /// <summary>vm_area_free().</summary>
    protected void VmAreaFree(Vma vma, string function)
    {
        if (vma.Freed)
            Report(ViolationKind.UseAfterFree, function, "", $"double free of {vma}");
        vma.Freed = true;
        vma.Attached = false;
    }

    /// <summary>vm_area_dup(): a struct copy with a fresh, empty anon_vma_chain.</summary>
    protected virtual Vma? VmAreaDup(Vma orig)
    {
        using var _ = Trace("vm_area_dup", orig);
        var v = VmAreaAllocObject();
        if (v is null)
            return null;
        v.Mm = orig.Mm;
        v.Start = orig.Start;
        v.End = orig.End;
        v.PgOff = orig.PgOff;
        v.Prot = orig.Prot;
        v.Flags = orig.Flags;
        v.AnonVma = orig.AnonVma;
        v.VmPrev = orig.VmPrev;
        v.VmNext = orig.VmNext;
        return v;
    }

    /// <summary>folio allocation for an anonymous fault or COW (no fault injection kind; bounded by MaxPages).</summary>
    protected Page AllocPage()
    {
        if (H.LivePages >= B.MaxPages)
            throw new BoundReachedException($"page bound {B.MaxPages}");
        var p = new Page { Id = H.NextId++ };
        H.PageList.Add(p);
        return p;
    }

    /// <summary>vma_iter_prealloc(): only fails through the tools/testing/vma test hook.</summary>
    protected bool VmaIterPreallocFails()
    {
        if (!UsesMapleTree || !H.FailNextPrealloc)
            return false;
        H.FailNextPrealloc = false;
        Note("vma_iter_prealloc fails (test hook)");
        return true;
    }

    protected const int ENOMEM = -12;
    protected const int EINVAL = -22;
    protected const int EFAULT = -14;
}
