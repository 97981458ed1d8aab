namespace Formal.Reference;

/// <summary>The kinds of allocation a caller can make fail with <c>inject(kind)</c>.</summary>
public enum AllocKind
{
    Avc,
    AnonVma,
    Vma,
}

/// <summary>A set of <see cref="AllocKind"/>s, one bit per kind.</summary>
[Flags]
public enum AllocKinds : byte
{
    None = 0,
    Avc = 1 << AllocKind.Avc,
    AnonVma = 1 << AllocKind.AnonVma,
    Vma = 1 << AllocKind.Vma,
}

/// <summary>Set operations on <see cref="AllocKinds"/>.</summary>
public static class AllocKindSet
{
    public static AllocKinds Bit(this AllocKind kind) => (AllocKinds)(1 << (int)kind);

    public static bool Has(this AllocKinds set, AllocKind kind) => (set & kind.Bit()) != 0;
}

/// <summary>
/// The whole reference state: processes, every kernel object that is still alive or still referenced
/// after being freed, pending fault injections, and whether a fatal violation has halted the machine.
/// A heap is mutated only while an operation executes on a private clone (see <see cref="Machine.Apply"/>).
/// </summary>
public sealed class Heap
{
    internal SortedDictionary<int, Mm> ProcessMap { get; } = new();
    internal List<Vma> VmaList { get; } = new();
    internal List<AnonVma> AnonVmaList { get; } = new();
    internal List<AnonVmaChain> AvcList { get; } = new();
    internal List<Page> PageList { get; } = new();

    internal int NextId { get; set; } = 1;

    /// <summary>Pending fault injections: the next allocation of that kind fails and consumes the entry.</summary>
    internal HashSet<AllocKind> PendingFailures { get; } = new();

    /// <summary>Test hook for tools/testing/vma's fail_prealloc: the next vma_iter_prealloc() fails.</summary>
    internal bool FailNextPrealloc { get; set; }

    /// <summary>Set when an operation hit a fatal violation (oops); no further operation applies.</summary>
    public Violation? HaltedBy { get; internal set; }

    public bool Halted => HaltedBy is not null;

    public IReadOnlyCollection<Mm> Processes => ProcessMap.Values;
    public IReadOnlyList<Vma> AllVmas => VmaList;
    public IReadOnlyList<AnonVma> AllAnonVmas => AnonVmaList;
    public IReadOnlyList<AnonVmaChain> AllAvcs => AvcList;
    public IReadOnlyList<Page> AllPages => PageList;

    public bool IsPending(AllocKind kind) => PendingFailures.Contains(kind);

    public Mm? Process(int pid) => ProcessMap.TryGetValue(pid, out var mm) ? mm : null;

    public int LiveCount(AllocKind kind) => kind switch
    {
        AllocKind.Vma => Live(VmaList),
        AllocKind.AnonVma => Live(AnonVmaList),
        AllocKind.Avc => Live(AvcList),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public int LivePages => Live(PageList);

    private static int Live<T>(List<T> objects) where T : HeapObject
    {
        int n = 0;
        foreach (var o in objects)
            if (!o.Freed)
                n++;
        return n;
    }

    /// <summary>A heap with process 0 and nothing mapped.</summary>
    public static Heap Initial()
    {
        var h = new Heap();
        h.ProcessMap.Add(0, new Mm(0));
        return h;
    }

    /// <summary>Deep copy: every object is duplicated and every reference redirected to the copy.</summary>
    public Heap Clone()
    {
        var h = new Heap { NextId = NextId, FailNextPrealloc = FailNextPrealloc, HaltedBy = HaltedBy };
        foreach (var k in PendingFailures)
            h.PendingFailures.Add(k);

        var vmas = new Dictionary<Vma, Vma>(VmaList.Count, ByIdentity<Vma>.Instance);
        var avs = new Dictionary<AnonVma, AnonVma>(AnonVmaList.Count, ByIdentity<AnonVma>.Instance);
        var avcs = new Dictionary<AnonVmaChain, AnonVmaChain>(AvcList.Count, ByIdentity<AnonVmaChain>.Instance);
        var pages = new Dictionary<Page, Page>(PageList.Count, ByIdentity<Page>.Instance);
        var mms = new Dictionary<Mm, Mm>(ReferenceEqualityComparer.Instance);

        foreach (var (pid, mm) in ProcessMap)
        {
            var c = new Mm(pid);
            mms.Add(mm, c);
            h.ProcessMap.Add(pid, c);
        }
        foreach (var v in VmaList)
        {
            var c = new Vma { Id = v.Id, Freed = v.Freed, Start = v.Start, End = v.End, PgOff = v.PgOff, Prot = v.Prot, Flags = v.Flags, Attached = v.Attached };
            vmas.Add(v, c);
            h.VmaList.Add(c);
        }
        foreach (var a in AnonVmaList)
        {
            var c = new AnonVma { Id = a.Id, Freed = a.Freed, Refcount = a.Refcount, Degree = a.Degree, NumChildren = a.NumChildren, NumActiveVmas = a.NumActiveVmas };
            avs.Add(a, c);
            h.AnonVmaList.Add(c);
        }
        foreach (var a in AvcList)
        {
            var c = new AnonVmaChain { Id = a.Id, Freed = a.Freed, OnChain = a.OnChain, InTree = a.InTree, CachedStart = a.CachedStart, CachedLast = a.CachedLast };
            avcs.Add(a, c);
            h.AvcList.Add(c);
        }
        foreach (var p in PageList)
        {
            var c = new Page { Id = p.Id, Freed = p.Freed, Index = p.Index, MapCount = p.MapCount, Exclusive = p.Exclusive };
            pages.Add(p, c);
            h.PageList.Add(c);
        }

        Mm? MapMm(Mm? m) => m is null ? null : mms.TryGetValue(m, out var c) ? c : new Mm(m.Pid);
        Vma? MapVma(Vma? v) => v is null ? null : vmas[v];
        AnonVma? MapAv(AnonVma? a) => a is null ? null : avs[a];

        foreach (var v in VmaList)
        {
            var c = vmas[v];
            c.Mm = MapMm(v.Mm);
            c.AnonVma = MapAv(v.AnonVma);
            c.VmPrev = MapVma(v.VmPrev);
            c.VmNext = MapVma(v.VmNext);
            foreach (var avc in v.Chain)
                c.Chain.Add(avcs[avc]);
        }
        foreach (var a in AnonVmaList)
        {
            var c = avs[a];
            c.Root = avs[a.Root];
            c.Parent = avs[a.Parent];
            foreach (var avc in a.Tree)
                c.Tree.Add(avcs[avc]);
        }
        foreach (var a in AvcList)
        {
            var c = avcs[a];
            c.Vma = vmas[a.Vma];
            c.AnonVma = avs[a.AnonVma];
        }
        foreach (var p in PageList)
            pages[p].Mapping = MapAv(p.Mapping);
        foreach (var (mm, c) in mms)
        {
            foreach (var v in mm.Vmas)
                c.Vmas.Add(vmas[v]);
            foreach (var (addr, page) in mm.Ptes)
                c.Ptes.Add(addr, pages[page]);
        }
        return h;
    }

    /// <summary>
    /// Forgets freed objects that nothing can reach any more: they can never be touched again, so they
    /// carry no behaviour. Freed objects that are still referenced (dangling pointers) are kept.
    /// </summary>
    internal void CollectGarbage()
    {
        // Marks on the objects themselves: this runs after every operation, and sets were the cost.
        foreach (var v in VmaList) v.Reached = false;
        foreach (var a in AnonVmaList) a.Reached = false;
        foreach (var a in AvcList) a.Reached = false;
        foreach (var p in PageList) p.Reached = false;
        var work = t_work ??= new Stack<HeapObject>();
        work.Clear();

        foreach (var mm in ProcessMap.Values)
        {
            foreach (var v in mm.Vmas)
                work.Push(v);
            foreach (var p in mm.Ptes.Values)
                work.Push(p);
        }
        foreach (var v in VmaList) if (!v.Freed) work.Push(v);
        foreach (var a in AnonVmaList) if (!a.Freed) work.Push(a);
        foreach (var a in AvcList) if (!a.Freed) work.Push(a);
        foreach (var p in PageList) if (!p.Freed) work.Push(p);

        while (work.Count > 0)
        {
            var o = work.Pop();
            if (o.Reached)
                continue;
            o.Reached = true;
            switch (o)
            {
                case Vma v:
                    if (v.AnonVma is not null) work.Push(v.AnonVma);
                    if (v.VmPrev is not null) work.Push(v.VmPrev);
                    if (v.VmNext is not null) work.Push(v.VmNext);
                    foreach (var c in v.Chain) work.Push(c);
                    break;
                case AnonVma a:
                    work.Push(a.Root);
                    work.Push(a.Parent);
                    foreach (var c in a.Tree) work.Push(c);
                    break;
                case AnonVmaChain c:
                    work.Push(c.Vma);
                    work.Push(c.AnonVma);
                    break;
                case Page p:
                    if (p.Mapping is not null) work.Push(p.Mapping);
                    break;
            }
        }
        VmaList.RemoveAll(static v => !v.Reached);
        AnonVmaList.RemoveAll(static a => !a.Reached);
        AvcList.RemoveAll(static a => !a.Reached);
        PageList.RemoveAll(static p => !p.Reached);
    }

    [ThreadStatic] private static Stack<HeapObject>? t_work;
}
