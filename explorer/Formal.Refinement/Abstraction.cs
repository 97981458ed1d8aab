using Formal.Reference;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Refinement;

/// A heap's spec state, packed (null when the heap has no spec state: <see cref="Error"/> says
/// why). <see cref="Vars"/> are the values the abstraction built (used slots only).
public sealed record AbstractState(IReadOnlyList<(string Name, Value Value)> Vars, ulong[]? Packed, string? Error);

/// The abstraction function from reference heaps to spec states (README.md, "Abstraction").
/// Objects go to pool slots in the order of <see cref="CanonicalNumbering"/>, so isomorphic heaps
/// get the same state; processes keep their pid as slot (the reference gives a fork child the
/// lowest free pid, the spec the lowest free slot, and states are compared modulo symmetry anyway).
public sealed class Abstraction
{
    private readonly SpecTransitionSystem _ts;
    private readonly RuleSet _rules;
    private readonly int _procs, _vmas, _avs, _pages;

    public Abstraction(SpecTransitionSystem ts, RuleSet rules)
    {
        _ts = ts;
        _rules = rules;
        int Pool(string name) => ts.Ir.Pools.Single(p => p.Name == name).Size;
        _procs = Pool("Proc");
        _vmas = Pool("Vma");
        _avs = Pool("AnonVma");
        _pages = Pool("Page");
    }

    public AbstractState Of(Heap heap) => Of(heap, new CanonicalNumbering(heap));

    /// With the heap's numbering computed by the caller (the checker fingerprints with it too).
    public AbstractState Of(Heap heap, CanonicalNumbering n)
    {
        var liveVmas = new List<Vma>();
        var liveSet = new HashSet<Vma>(ByIdentity<Vma>.Instance);
        foreach (var v in n.Vmas)
            if (v.Attached && !v.Freed && v.Mm is { } mm && heap.Process(mm.Pid) == mm && liveSet.Add(v)) liveVmas.Add(v);

        // Pages: allocated ones, and freed ones a PTE still maps (the spec keeps such a slot, not live).
        var mappedPages = new HashSet<Page>(heap.Processes.SelectMany(mm => mm.Ptes.Values), ByIdentity<Page>.Instance);
        var pages = n.Pages.Where(p => !p.Freed || mappedPages.Contains(p)).ToList();

        // anon_vmas: allocated ones, and freed ones the spec's `referenced` would keep (I9 flags them).
        var avs = n.AnonVmas.Where(a => !a.Freed || Referenced(a, liveVmas, n, pages)).ToList();
        var avIndex = Index(avs);

        // VMAs: live ones first, then those a kept anon_vma's tree still names (dangling AVCs).
        var vmas = new List<Vma>(liveVmas);
        var vmaIndex = Index(vmas);
        foreach (var a in avs)
            foreach (var c in a.Tree)
                if (!vmaIndex.ContainsKey(c.Vma))
                {
                    vmaIndex[c.Vma] = vmas.Count;
                    vmas.Add(c.Vma);
                }
        var pageIndex = Index(pages);

        string? Overflow(string pool, int count, int size) =>
            count > size ? $"the heap needs {count} {pool} slots, the abstract spec has {size}" : null;
        var error = Overflow("Vma", vmas.Count, _vmas) ?? Overflow("AnonVma", avs.Count, _avs) ?? Overflow("Page", pages.Count, _pages)
            ?? heap.Processes.Where(mm => mm.Pid >= _procs).Select(mm => $"process p{mm.Pid} has no Proc slot ({_procs})").FirstOrDefault();
        if (error is not null) return new AbstractState([], null, error);

        Value Av(AnonVma a) => avIndex.TryGetValue(a, out var i) ? new VObj("AnonVma", i) : throw new AbstractionException($"{n.Name(a)} has no slot");
        Value VmaObj(Vma v) => new VObj("Vma", vmaIndex[v]);

        try
        {
            var procs = Set(heap.Processes.Select(mm => (Value)new VObj("Proc", mm.Pid)));
            var vmaMap = new List<(Value, Value)>();
            foreach (var v in liveVmas)
            {
                vmaMap.Add((VmaObj(v), Rec(
                    ("live", new VBool(true)),
                    ("mm", new VObj("Proc", v.Mm!.Pid)),
                    ("start", new VInt(v.Start)),
                    ("end", new VInt(v.End)),
                    ("pgoff", new VInt(v.PgOff)),
                    ("prot", new VEnum("Prot", ProtText.Format(v.Prot), (int)v.Prot)),
                    ("dontcopy", new VBool(v.Flags.HasFlag(VmaFlags.DontCopy))),
                    ("wipeonfork", new VBool(v.Flags.HasFlag(VmaFlags.WipeOnFork))),
                    ("anon", v.AnonVma is null ? VNone.Instance : Av(v.AnonVma)),
                    ("chain", Set(v.Chain.Select(c => Av(c.AnonVma)))))));
            }
            var avMap = new List<(Value, Value)>();
            foreach (var a in avs)
            {
                var parent = _rules.HasParentLinks ? a.Parent : DerivedParent(a, liveVmas);
                bool derived = _rules.Counters != CounterModel.SplitCounters;
                long active = derived ? liveVmas.Count(v => ReferenceEquals(v.AnonVma, a)) : a.NumActiveVmas;
                long children = derived ? DerivedChildren(a, avs, liveVmas) : a.NumChildren;
                avMap.Add((Av(a), Rec(
                    ("state", new VEnum("AvState", a.Freed ? "freed" : "live", a.Freed ? 2 : 1)),
                    ("root", avIndex.ContainsKey(a.Root) ? Av(a.Root) : Av(a)),
                    ("parent", avIndex.ContainsKey(parent) ? Av(parent) : Av(a)),
                    ("num_children", new VInt(children)),
                    ("num_active_vmas", new VInt(active)),
                    ("refcount", new VInt(a.Refcount)),
                    ("tree", Set(a.Tree.Select(c => VmaObj(c.Vma)))))));
            }
            var pageMap = new List<(Value, Value)>();
            foreach (var p in pages)
            {
                if (p.Freed) continue; // a freed page that is still mapped keeps a blank slot
                if (p.Mapping is null) return new AbstractState([], null, $"{n.Name(p)} has no mapping");
                pageMap.Add((new VObj("Page", pageIndex[p]), Rec(
                    ("live", new VBool(true)),
                    ("mapping", Av(p.Mapping)),
                    ("index", new VInt(p.Index)),
                    ("exclusive", new VBool(p.Exclusive)),
                    ("mapcount", new VInt(p.MapCount)))));
            }
            var pteMap = new List<(Value, Value)>();
            foreach (var mm in heap.Processes)
            {
                var entries = mm.Ptes.Select(e => ((Value)new VInt(e.Key), (Value)new VObj("Page", pageIndex[e.Value])));
                pteMap.Add((new VObj("Proc", mm.Pid), Map(entries)));
            }
            var vars = new List<(string, Value)>
            {
                ("procs", procs),
                ("vma", Map(vmaMap)),
                ("av", Map(avMap)),
                ("page", Map(pageMap)),
                ("pte", Map(pteMap)),
            };
            var packed = _ts.Encode(vars, out var encodeError);
            return new AbstractState(vars, packed, encodeError);
        }
        catch (AbstractionException e)
        {
            return new AbstractState([], null, e.Message);
        }
    }

    /// The spec's `referenced(a)`: a live VMA uses or links it, a live anon_vma has it as root or
    /// parent, a live page has it as mapping, or its tree is not empty.
    private bool Referenced(AnonVma a, List<Vma> liveVmas, CanonicalNumbering n, List<Page> pages) =>
        liveVmas.Any(v => ReferenceEquals(v.AnonVma, a) || v.Chain.Any(c => ReferenceEquals(c.AnonVma, a)))
        || n.AnonVmas.Any(b => !ReferenceEquals(b, a) && !b.Freed && (ReferenceEquals(b.Root, a) || (_rules.HasParentLinks && ReferenceEquals(b.Parent, a))))
        || pages.Any(p => !p.Freed && ReferenceEquals(p.Mapping, a))
        || a.Tree.Count > 0;

    /// Eras without anon_vma->parent (V0): every chain is the line of ancestors of its head, newest
    /// first (fork puts the child's anon_vma before a clone of the parent VMA's chain), so the
    /// parent is the entry after the anon_vma on any chain holding it; a root is its own parent.
    private static AnonVma DerivedParent(AnonVma a, List<Vma> liveVmas)
    {
        foreach (var v in liveVmas)
            for (int i = 0; i + 1 < v.Chain.Count; i++)
                if (ReferenceEquals(v.Chain[i].AnonVma, a)) return v.Chain[i + 1].AnonVma;
        return a.Root;
    }

    /// num_children as the split-counter eras keep it: live children with a non-empty tree, plus
    /// the root's self link while its tree is not empty (I8).
    private AnonVma ParentOf(AnonVma c, List<Vma> liveVmas) => _rules.HasParentLinks ? c.Parent : DerivedParent(c, liveVmas);

    private long DerivedChildren(AnonVma a, List<AnonVma> avs, List<Vma> liveVmas) =>
        avs.Count(c => !ReferenceEquals(c, a) && !c.Freed && c.Tree.Count > 0 && ReferenceEquals(ParentOf(c, liveVmas), a))
        + (a.IsRoot && a.Tree.Count > 0 ? 1 : 0);

    private static Dictionary<T, int> Index<T>(List<T> items) where T : HeapObject
    {
        var d = new Dictionary<T, int>(items.Count, ByIdentity<T>.Instance);
        for (int i = 0; i < items.Count; i++) d[items[i]] = i;
        return d;
    }

    private static VSet Set(IEnumerable<Value> items) =>
        new(EquatableArray<Value>.From(items.Distinct().OrderBy(v => v is VObj o ? o.Index : 0)));

    private static VMap Map(IEnumerable<(Value, Value)> entries) => new(EquatableArray<(Value, Value)>.From(entries));

    private static VRecord Rec(params (string, Value)[] fields) => new(EquatableArray<(string, Value)>.From(fields));

    private sealed class AbstractionException(string message) : Exception(message);
}
