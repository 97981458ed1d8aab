namespace Formal.Reference;

/// <summary>One violated invariant of §3.1 (I1..I10) with a message naming the objects involved.</summary>
public sealed record InvariantViolation(string Invariant, string Message)
{
    public override string ToString() => $"{Invariant}: {Message}";
}

/// <summary>
/// Checks invariants I1-I10 (kernel-anon-vma.md §3.1) on any heap, independently of the assertions inside
/// operations. Rule-set properties say which clauses apply in an era (counters for I8, parent links for I7,
/// chain order for I4).
/// </summary>
public static class InvariantChecker
{
    public static IReadOnlyList<InvariantViolation> Check(Heap heap, RuleSet rules)
    {
        var n = new CanonicalNumbering(heap);
        var result = new List<InvariantViolation>();
        void Add(string inv, string msg) => result.Add(new InvariantViolation(inv, msg));
        string W(Vma v) => HeapDump.Where(v, n);
        string A(AnonVma? a) => a is null ? "NULL" : n.Name(a) + (a.Freed ? "(freed)" : "");

        var liveVmas = heap.Processes.SelectMany(mm => mm.Vmas).ToList();
        var liveSet = new HashSet<Vma>(liveVmas, ReferenceEqualityComparer.Instance);

        static bool Linked(Vma v, AnonVma a) =>
            v.Chain.Any(c => ReferenceEquals(c.AnonVma, a) && !c.Freed && c.InTree && a.Tree.Contains(c));

        // I1: every mapped page is reachable through the tree of its mapping, at the right index.
        foreach (var mm in heap.Processes)
        {
            foreach (var (addr, page) in mm.Ptes)
            {
                var vma = mm.FindVma(addr);
                string at = $"p{mm.Pid}:{addr} ({n.Name(page)})";
                if (page.Freed)
                    Add("I1", $"{at}: the mapped page is freed");
                if (vma is null)
                {
                    Add("I1", $"{at}: PTE outside every VMA");
                    continue;
                }
                if (page.Mapping is null)
                    Add("I1", $"{at}: page has no mapping");
                else if (page.Mapping.Freed)
                    Add("I1", $"{at}: page->mapping {A(page.Mapping)} is freed (use after free on the next rmap walk)");
                else if (!Linked(vma, page.Mapping))
                    Add("I1", $"{at}: {W(vma)} is not linked to page->mapping {A(page.Mapping)} (rmap miss)");
                long expect = vma.LinearPageIndex(addr);
                if (page.Index != expect)
                    Add("I1", $"{at}: page index {page.Index} but {W(vma)} maps index {expect} there");
            }
        }

        foreach (var v in liveVmas)
        {
            // I2 / I3
            if (v.AnonVma is not null)
            {
                if (v.AnonVma.Freed)
                    Add("I9", $"{W(v)}->anon_vma {A(v.AnonVma)} is freed");
                else if (!Linked(v, v.AnonVma))
                    Add("I2", $"{W(v)} has anon_vma {A(v.AnonVma)} but is not linked to it (chain [{string.Join(" ", v.Chain.Select(c => A(c.AnonVma)))}])");
            }
            else if (v.Chain.Count != 0)
                Add("I3", $"unfaulted {W(v)} has {v.Chain.Count} AVC(s) on its chain");

            // I4
            if (v.Chain.Count > 0)
            {
                var roots = v.Chain.Select(c => c.AnonVma.Root).Distinct(ReferenceEqualityComparer.Instance).Cast<AnonVma>().ToList();
                if (roots.Count > 1)
                    Add("I4", $"{W(v)}'s chain has {roots.Count} roots: {string.Join(", ", roots.Select(A))}");
                var root = roots[0];
                if (!ReferenceEquals(root.Root, root))
                    Add("I4", $"{A(root)}->root is {A(root.Root)}, not itself");
                if (rules.HasParentLinks && !ReferenceEquals(root.Parent, root))
                    Add("I4", $"root {A(root)}->parent is {A(root.Parent)}, not itself");
                if (!v.Chain.Any(c => ReferenceEquals(c.AnonVma, root)))
                    Add("I4", $"{W(v)}'s chain does not contain its root {A(root)}");
                else if (rules.ChainOrderRootLast && roots.Count == 1 && !ReferenceEquals(v.Chain[^1].AnonVma, root))
                    Add("I4", $"{W(v)}'s chain does not end with its root {A(root)}");
            }

            // I5 (chain side) and key stability
            foreach (var c in v.Chain)
            {
                if (c.Freed)
                    Add("I5", $"{W(v)}'s chain holds freed {n.Name(c)}");
                else if (!ReferenceEquals(c.Vma, v))
                    Add("I5", $"{n.Name(c)} on {W(v)}'s chain belongs to {W(c.Vma)}");
                else if (!c.InTree || !c.AnonVma.Tree.Contains(c))
                    Add("I5", $"{n.Name(c)} on {W(v)}'s chain is not in {A(c.AnonVma)}'s tree");
                else if (c.CachedStart != v.PgOff || c.CachedLast != v.PgOff + v.Pages - 1)
                    Add("I5", $"{n.Name(c)} of {W(v)} has a stale tree key [{c.CachedStart},{c.CachedLast}], the VMA covers [{v.PgOff},{v.PgOff + v.Pages - 1}]");
                if (c.AnonVma.Freed)
                    Add("I9", $"{W(v)} is linked to freed {A(c.AnonVma)}");
            }

            // I7
            if (rules.HasParentLinks)
            {
                foreach (var c in v.Chain)
                {
                    var parent = c.AnonVma.Parent;
                    if (!v.Chain.Any(d => ReferenceEquals(d.AnonVma, parent)))
                        Add("I7", $"{W(v)} is linked to {A(c.AnonVma)} but not to its parent {A(parent)}");
                }
            }
        }

        // I6: within one mm, equal anon_vma implies equal chains (as sets).
        foreach (var mm in heap.Processes)
        {
            foreach (var group in mm.Vmas.Where(v => v.AnonVma is not null).GroupBy(v => n.Of(v.AnonVma)))
            {
                var members = group.ToList();
                var first = ChainSet(members[0], n);
                foreach (var other in members.Skip(1))
                {
                    if (!ChainSet(other, n).SetEquals(first))
                        Add("I6", $"{W(members[0])} and {W(other)} share anon_vma {A(members[0].AnonVma)} but their chains differ");
                }
            }
        }

        foreach (var a in n.AnonVmas)
        {
            if (a.Freed)
            {
                if (a.Degree < 0 || a.NumChildren < 0 || a.NumActiveVmas < 0 || a.Refcount < 0)
                    Add("I8", $"freed {A(a)} has a negative counter");
                continue;
            }
            // I5 (tree side): no dangling AVC, every member is on its VMA's chain.
            foreach (var c in a.Tree)
            {
                if (c.Freed)
                    Add("I5", $"{A(a)}'s tree holds freed {n.Name(c)}");
                else if (c.Vma.Freed)
                    Add("I5", $"{A(a)}'s tree holds {n.Name(c)} of freed {W(c.Vma)} (dangling AVC)");
                else if (!liveSet.Contains(c.Vma))
                    Add("I5", $"{A(a)}'s tree holds {n.Name(c)} of {W(c.Vma)}, which is in no mm");
                else if (!c.Vma.Chain.Contains(c))
                    Add("I5", $"{n.Name(c)} in {A(a)}'s tree is not on {W(c.Vma)}'s chain");
            }

            // I8: counters equal what they count.
            var liveTree = a.Tree.Count(c => !c.Freed) > 0;
            long activeVmas = liveVmas.Count(v => ReferenceEquals(v.AnonVma, a));
            long liveChildren = n.AnonVmas.Count(c => !c.Freed && !ReferenceEquals(c, a) && ReferenceEquals(c.Parent, a) && c.Tree.Count > 0);
            long self = a.IsRoot && liveTree ? 1 : 0;
            switch (rules.Counters)
            {
                case CounterModel.Degree:
                    if (a.Degree != activeVmas + liveChildren + self)
                        Add("I8", $"{A(a)}->degree is {a.Degree}, expected {activeVmas + liveChildren + self} ({activeVmas} VMAs + {liveChildren} live children + {self} self link)");
                    break;
                case CounterModel.SplitCounters:
                    if (a.NumActiveVmas != activeVmas)
                        Add("I8", $"{A(a)}->num_active_vmas is {a.NumActiveVmas}, {activeVmas} VMA(s) use it");
                    if (a.NumChildren != liveChildren + self)
                        Add("I8", $"{A(a)}->num_children is {a.NumChildren}, expected {liveChildren + self} ({liveChildren} live children + {self} self link)");
                    break;
            }

            // I9: lifetime and references.
            if (!ReferenceEquals(a.Root, a) && a.Root.Freed)
                Add("I9", $"{A(a)}'s root {A(a.Root)} is freed");
            if (rules.HasParentLinks && liveTree && a.Parent.Freed)
                Add("I9", $"{A(a)} has a non-empty tree but its parent {A(a.Parent)} is freed");
            if (!liveTree)
                Add("I9", $"{A(a)} is alive with an empty tree (leaked)");
            int pins = n.AnonVmas.Count(c => !c.Freed && !ReferenceEquals(c, a) && ReferenceEquals(c.Root, a));
            int expectRef = (liveTree ? 1 : 0) + pins;
            if (a.Refcount != expectRef)
                Add("I9", $"{A(a)}->refcount is {a.Refcount}, expected {expectRef} ({(liveTree ? 1 : 0)} in-use + {pins} descendants pinning it)");
        }

        // Page bookkeeping: the mapcount is the number of PTEs mapping the page.
        var ptes = heap.Processes.SelectMany(mm => mm.Ptes.Values).GroupBy(p => n.Of(p)).ToDictionary(g => g.Key, g => g.Count());
        foreach (var p in n.Pages.Where(p => !p.Freed))
        {
            int mapped = ptes.TryGetValue(n.Of(p), out var c) ? c : 0;
            if (p.MapCount != mapped)
                Add("I1", $"{n.Name(p)} has mapcount {p.MapCount} but {mapped} PTE(s) map it");
        }

        // I10: reuse discipline. An anon_vma that is some VMA's anon_vma serves one mm only: fork may adopt it only
        // when no VMA uses it, and prepare reuses only a neighbour's in the same mm.
        foreach (var a in n.AnonVmas.Where(a => !a.Freed))
        {
            var users = liveVmas.Where(v => ReferenceEquals(v.AnonVma, a)).Select(v => v.Mm!.Pid).Distinct().OrderBy(p => p).ToList();
            if (users.Count > 1)
                Add("I10", $"{A(a)} is the anon_vma of VMAs in {string.Join(" and ", users.Select(p => "p" + p))}");
        }
        return result;
    }

    private static HashSet<int> ChainSet(Vma v, CanonicalNumbering n) => v.Chain.Select(c => n.Of(c.AnonVma)).ToHashSet();
}
