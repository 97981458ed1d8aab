namespace Formal.Reference;

// mm/rmap.c and include/linux/rmap.h of the base era (v6.12, split counters).
public abstract partial class RuleSet
{
    /// <summary>anon_vma_alloc() (mm/rmap.c, v6.12): refcount 1, both counters 0, root = parent = self.</summary>
    protected virtual AnonVma? AnonVmaAlloc()
    {
        using var _ = Trace("anon_vma_alloc");
        var av = AllocAnonVmaObject();
        if (av is null)
            return null;
        av.Refcount = 1;
        av.NumChildren = 0;
        av.NumActiveVmas = 0;
        av.Parent = av;
        av.Root = av;
        return av;
    }

    /// <summary>
    /// anon_vma_free() (mm/rmap.c): VM_BUG_ON on a non-zero refcount, then a look at the root's rwsem
    /// (the root must still be alive), then kmem_cache_free.
    /// </summary>
    protected virtual void AnonVmaFree(AnonVma av)
    {
        const string fn = "anon_vma_free";
        using var _ = Trace(fn, av);
        if (av.Freed)
            Report(ViolationKind.UseAfterFree, fn, "", $"double free of {av}");
        BugOn(av.Refcount != 0, fn, "VM_BUG_ON", $"{av} freed with refcount {av.Refcount}");
        Deref(av.Root, fn, $"{av}->root (rwsem_is_locked)");
        av.Freed = true;
    }

    /// <summary>get_anon_vma(): atomic_inc of the refcount.</summary>
    protected void GetAnonVma(AnonVma av)
    {
        Deref(av, "get_anon_vma", "anon_vma");
        av.Refcount++;
    }

    /// <summary>put_anon_vma() (include/linux/rmap.h): drop a reference, free on zero.</summary>
    protected virtual void PutAnonVma(AnonVma av)
    {
        const string fn = "put_anon_vma";
        using var _ = Trace(fn, av);
        Deref(av, fn, "anon_vma");
        av.Refcount--;
        if (av.Refcount < 0)
            Report(ViolationKind.RefcountUnderflow, fn, "", $"{av}->refcount went below zero ({av.Refcount})");
        if (av.Refcount == 0)
            PutAnonVmaFinal(av);
    }

    /// <summary>
    /// __put_anon_vma() (mm/rmap.c, since 624483f3ea82, 2014): free the anon_vma first, then drop the
    /// reference it held on its root (which may free the root).
    /// </summary>
    protected virtual void PutAnonVmaFinal(AnonVma av)
    {
        const string fn = "__put_anon_vma";
        using var _ = Trace(fn, av);
        var root = av.Root;
        AnonVmaFree(av);
        if (!ReferenceEquals(root, av))
        {
            Deref(root, fn, $"{av}->root");
            root.Refcount--;
            if (root.Refcount < 0)
                Report(ViolationKind.RefcountUnderflow, fn, "", $"{root}->refcount went below zero ({root.Refcount})");
            if (root.Refcount == 0)
                AnonVmaFree(root);
        }
    }

    /// <summary>anon_vma_lock_write(): takes anon_vma->root->rwsem, so both must be alive.</summary>
    protected void AnonVmaLockWrite(AnonVma? av, string caller)
    {
        var a = Deref(av, caller, "anon_vma to lock");
        Deref(a.Root, caller, $"{a}->root (anon_vma_lock_write)");
    }

    /// <summary>
    /// lock_anon_vma_root() (mm/rmap.c, v2.6.37 - v6.19): switches the held root lock while walking a chain;
    /// having to switch fires WARN_ON_ONCE because every entry of one chain shares a root (I4).
    /// </summary>
    protected AnonVma LockAnonVmaRoot(AnonVma? root, AnonVma anonVma, string caller)
    {
        var newRoot = Deref(anonVma.Root, caller, $"{anonVma}->root");
        if (!ReferenceEquals(newRoot, root))
        {
            WarnOn(root is not null, "lock_anon_vma_root", "WARN_ON_ONCE",
                $"anon_vmas on one chain have different roots ({root} and {newRoot}) in {caller}");
            root = newRoot;
        }
        return root;
    }

    /// <summary>anon_vma_interval_tree_insert(): keyed by the VMA's current page-offset interval.</summary>
    protected void IntervalTreeInsert(AnonVmaChain avc, AnonVma av, string caller)
    {
        Deref(av, caller, "anon_vma (interval tree insert)");
        var vma = Deref(avc.Vma, caller, $"{avc}->vma (interval tree key)");
        avc.CachedStart = vma.PgOff;
        avc.CachedLast = vma.PgOff + vma.Pages - 1;
        av.Tree.Add(avc);
        avc.InTree = true;
    }

    /// <summary>anon_vma_interval_tree_remove().</summary>
    protected void IntervalTreeRemove(AnonVmaChain avc, AnonVma av, string caller)
    {
        Deref(av, caller, "anon_vma (interval tree remove)");
        av.Tree.Remove(avc);
        avc.InTree = false;
    }

    /// <summary>list_add(&amp;avc->same_vma, &amp;vma->anon_vma_chain): insert at the head.</summary>
    protected static void ChainAdd(Vma vma, AnonVmaChain avc)
    {
        vma.Chain.Insert(0, avc);
        avc.OnChain = true;
    }

    /// <summary>list_del(&amp;avc->same_vma).</summary>
    protected static void ChainDel(Vma vma, AnonVmaChain avc)
    {
        vma.Chain.Remove(avc);
        avc.OnChain = false;
    }

    /// <summary>anon_vma_chain_link() (mm/rmap.c, until the 2026 rework): set the AVC, list_add, tree insert.</summary>
    protected void AnonVmaChainLink(Vma vma, AnonVmaChain avc, AnonVma av)
    {
        avc.Vma = vma;
        avc.AnonVma = av;
        ChainAdd(vma, avc);
        IntervalTreeInsert(avc, av, "anon_vma_chain_link");
    }

    /// <summary>anon_vma_prepare() (include/linux/rmap.h): the fast path when the VMA already has an anon_vma.</summary>
    protected int AnonVmaPrepare(Vma vma)
    {
        if (vma.AnonVma is not null)
            return 0;
        return AnonVmaPrepareSlow(vma);
    }

    /// <summary>
    /// __anon_vma_prepare() (mm/rmap.c, v6.12): allocate an AVC, reuse a neighbour's anon_vma
    /// (find_mergeable_anon_vma) or allocate a new root (num_children = 1 for its self link), link, count the VMA.
    /// </summary>
    protected virtual int AnonVmaPrepareSlow(Vma vma)
    {
        const string fn = "__anon_vma_prepare";
        using var _ = Trace(fn, vma);
        var avc = AnonVmaChainAlloc();
        if (avc is null)
            return ENOMEM;

        var anonVma = FindMergeableAnonVma(vma);
        AnonVma? allocated = null;
        if (anonVma is null)
        {
            anonVma = AnonVmaAlloc();
            if (anonVma is null)
            {
                AnonVmaChainFree(avc, fn);
                return ENOMEM;
            }
            anonVma.NumChildren++;
            allocated = anonVma;
        }

        AnonVmaLockWrite(anonVma, fn);
        if (vma.AnonVma is null)
        {
            vma.AnonVma = anonVma;
            AnonVmaChainLink(vma, avc, anonVma);
            anonVma.NumActiveVmas++;
            allocated = null;
            avc = null;
        }

        if (allocated is not null)
            PutAnonVma(allocated);
        if (avc is not null)
            AnonVmaChainFree(avc, fn);
        return 0;
    }

    /// <summary>
    /// find_mergeable_anon_vma() (mm/vma.c, v6.12): try the next VMA first, then the previous one.
    /// Neighbours come from the mm's ordered VMA tree (maple tree era).
    /// </summary>
    protected virtual AnonVma? FindMergeableAnonVma(Vma vma)
    {
        using var _ = Trace("find_mergeable_anon_vma", vma);
        var mm = vma.Mm!;
        var next = mm.Vmas.FirstOrDefault(v => v.Start == vma.End);
        if (next is not null)
        {
            var av = ReusableAnonVma(next, vma, next);
            if (av is not null)
                return av;
        }
        var prev = mm.PrevOf(vma.Start);
        return prev is not null ? ReusableAnonVma(prev, prev, vma) : null;
    }

    /// <summary>
    /// reusable_anon_vma() (mm/vma.c; d0e9fe1758f2): old's anon_vma if a and b are compatible and old's
    /// chain is singular (old was never a fork child).
    /// </summary>
    protected virtual AnonVma? ReusableAnonVma(Vma old, Vma a, Vma b)
    {
        if (AnonVmaCompatible(a, b))
        {
            var av = old.AnonVma;
            if (av is not null && old.Chain.Count == 1)
                return av;
        }
        return null;
    }

    /// <summary>
    /// anon_vma_compatible() (mm/vma.c): adjacent, same file and policy (always, for anonymous memory),
    /// flags equal except the access bits, and linear page offsets.
    /// </summary>
    protected virtual bool AnonVmaCompatible(Vma a, Vma b) =>
        a.End == b.Start && a.Flags == b.Flags && b.PgOff == a.PgOff + (b.Start - a.Start);

    /// <summary>
    /// anon_vma_clone() (mm/rmap.c, v6.12 with 2555283eb40d): link dst to every anon_vma of src, walking
    /// src's chain oldest first; on fork (dst->anon_vma NULL) adopt the first anon_vma with no active VMA and
    /// fewer than two children. <paramref name="op"/> exists only from the 2026 rework on and is ignored here.
    /// </summary>
    protected virtual int AnonVmaClone(Vma dst, Vma src, VmaOperation op)
    {
        const string fn = "anon_vma_clone";
        using var _ = Trace(fn, dst, src);
        AnonVma? root = null;
        foreach (var pavc in Enumerable.Reverse(src.Chain).ToList())
        {
            // GFP_NOWAIT then GFP_KERNEL: without concurrency the two attempts are one allocation that
            // succeeds or fails, so an injected failure means both failed.
            var avc = AnonVmaChainAlloc();
            if (avc is null)
                goto enomem;
            var anonVma = Deref(pavc, fn, "src AVC").AnonVma;
            Deref(anonVma, fn, $"{pavc}->anon_vma");
            root = LockAnonVmaRoot(root, anonVma, fn);
            AnonVmaChainLink(dst, avc, anonVma);

            if (dst.AnonVma is null && CloneMayReuse(src, anonVma))
            {
                Note($"reuse {anonVma} for {dst}");
                dst.AnonVma = anonVma;
            }
        }
        if (dst.AnonVma is not null)
            Deref(dst.AnonVma, fn, "dst->anon_vma").NumActiveVmas++;
        return 0;

    enomem:
        dst.AnonVma = null;
        UnlinkAnonVmas(dst);
        return ENOMEM;
    }

    /// <summary>
    /// The reuse test inside anon_vma_clone() (v6.12, 2555283eb40d), evaluated only while dst->anon_vma is NULL:
    /// <c>src->anon_vma &amp;&amp; num_children &lt; 2 &amp;&amp; num_active_vmas == 0</c>.
    /// </summary>
    protected virtual bool CloneMayReuse(Vma src, AnonVma anonVma) =>
        src.AnonVma is not null && anonVma.NumChildren < 2 && anonVma.NumActiveVmas == 0;

    /// <summary>
    /// anon_vma_fork() (mm/rmap.c, v6.12): clone the parent's chain (maybe reusing an anon_vma); otherwise
    /// allocate a child anon_vma under the parent's, pin the root and link it at the chain head.
    /// <paramref name="childPrev"/> is the child VMA linked just before; only Konstantin's v2 patch uses it.
    /// </summary>
    protected virtual int AnonVmaFork(Vma vma, Vma pvma, Vma? childPrev)
    {
        const string fn = "anon_vma_fork";
        using var _ = Trace(fn, vma, pvma);
        if (pvma.AnonVma is null)
            return 0;

        vma.AnonVma = null;
        int error = AnonVmaClone(vma, pvma, VmaOperation.Fork);
        if (error != 0)
            return error;
        if (vma.AnonVma is not null)
            return 0;

        var anonVma = AnonVmaAlloc();
        if (anonVma is null)
            goto out_error;
        anonVma.NumActiveVmas++;
        var avc = AnonVmaChainAlloc();
        if (avc is null)
            goto out_error_free_anon_vma;

        anonVma.Root = Deref(pvma.AnonVma, fn, "pvma->anon_vma").Root;
        anonVma.Parent = pvma.AnonVma!;
        GetAnonVma(anonVma.Root);
        vma.AnonVma = anonVma;
        AnonVmaLockWrite(anonVma, fn);
        AnonVmaChainLink(vma, avc, anonVma);
        Deref(anonVma.Parent, fn, "anon_vma->parent").NumChildren++;
        return 0;

    out_error_free_anon_vma:
        PutAnonVma(anonVma);
    out_error:
        UnlinkAnonVmas(vma);
        return ENOMEM;
    }

    /// <summary>
    /// unlink_anon_vmas() (mm/rmap.c, v6.12): pass 1 removes every AVC from its tree and decrements the
    /// parent's num_children for each tree that became empty; the VMA's own anon_vma loses an active VMA and
    /// vma->anon_vma is cleared (ee8ab1903e3d); pass 2 checks the emptied anon_vmas' counters and puts them.
    /// </summary>
    protected virtual void UnlinkAnonVmas(Vma vma)
    {
        const string fn = "unlink_anon_vmas";
        using var _ = Trace(fn, vma);
        AnonVma? root = null;
        foreach (var avc in vma.Chain.ToList())
        {
            var anonVma = Deref(avc, fn, "AVC on the chain").AnonVma;
            Deref(anonVma, fn, $"{avc}->anon_vma");
            root = LockAnonVmaRoot(root, anonVma, fn);
            IntervalTreeRemove(avc, anonVma, fn);
            if (anonVma.Tree.Count == 0)
            {
                Decrement(Deref(anonVma.Parent, fn, $"{anonVma}->parent"), AnonVmaCounter.NumChildren, fn);
                continue;
            }
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, fn);
        }
        if (vma.AnonVma is not null)
        {
            Decrement(Deref(vma.AnonVma, fn, "vma->anon_vma"), AnonVmaCounter.NumActiveVmas, fn);
            vma.AnonVma = null;
        }

        foreach (var avc in vma.Chain.ToList())
        {
            var anonVma = avc.AnonVma;
            Deref(anonVma, fn, $"{avc}->anon_vma");
            WarnOn(anonVma.NumChildren != 0, fn, "VM_WARN_ON", $"{anonVma}->num_children = {anonVma.NumChildren} when its tree emptied");
            WarnOn(anonVma.NumActiveVmas != 0, fn, "VM_WARN_ON", $"{anonVma}->num_active_vmas = {anonVma.NumActiveVmas} when its tree emptied");
            PutAnonVma(anonVma);
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, fn);
        }
    }

    /// <summary>
    /// anon_vma_merge() (include/linux/rmap.h, until 53eb797ffc3a in 2026): the removed VMA must share the
    /// survivor's anon_vma (VM_BUG_ON_VMA); its whole chain is then dropped, relying on I6.
    /// </summary>
    protected virtual void AnonVmaMerge(Vma vma, Vma next)
    {
        const string fn = "anon_vma_merge";
        using var _ = Trace(fn, vma, next);
        BugOn(!ReferenceEquals(vma.AnonVma, next.AnonVma), fn, "VM_BUG_ON_VMA",
            $"survivor {vma} has anon_vma {Show(vma.AnonVma)} but removed {next} has {Show(next.AnonVma)}");
        UnlinkAnonVmas(next);
    }

    /// <summary>How the VMA removed by a merge loses its links: anon_vma_merge() until the 2026 rework.</summary>
    protected virtual void RemoveMergedVmaLinks(Vma survivor, Vma removed) => AnonVmaMerge(survivor, removed);

    /// <summary>
    /// folio_add_new_anon_rmap() / __folio_set_anon() (mm/rmap.c): a new exclusive page gets
    /// mapping = vma->anon_vma (BUG_ON if NULL) and its linear index.
    /// </summary>
    protected virtual void FolioAddNewAnonRmap(Page page, Vma vma, long address)
    {
        const string fn = "folio_add_new_anon_rmap";
        using var _ = Trace(fn, page, vma, address);
        BugOn(address < vma.Start || address >= vma.End, fn, "VM_BUG_ON_VMA", $"address {address} outside {vma}");
        BugOn(vma.AnonVma is null, "__folio_set_anon", "BUG_ON", $"{vma} has no anon_vma");
        page.Mapping = vma.AnonVma;
        page.Index = vma.LinearPageIndex(address);
        page.MapCount = 1;
        page.Exclusive = true;
    }

    /// <summary>
    /// folio_move_anon_rmap() (mm/rmap.c, v6.x): an exclusively owned page moves to the faulting VMA's
    /// anon_vma (VM_BUG_ON_VMA if the VMA has none).
    /// </summary>
    protected virtual void FolioMoveAnonRmap(Page page, Vma vma, long address)
    {
        const string fn = "folio_move_anon_rmap";
        using var _ = Trace(fn, page, vma);
        BugOn(vma.AnonVma is null, fn, "VM_BUG_ON_VMA", $"{vma} has no anon_vma");
        page.Mapping = vma.AnonVma;
    }

    /// <summary>
    /// rmap_walk_anon() (mm/rmap.c) with folio_lock_anon_vma_read(): lock page->mapping's root, then visit
    /// every AVC of its interval tree whose key covers page->index; vma_address() must land inside the VMA.
    /// Returns the (pid, address) pairs whose PTE maps the page.
    /// <para>
    /// Model approximation: the search reads the VMA of every AVC in the tree (a real interval-tree search reads
    /// the nodes on its search path; in small trees that is all of them), so any dangling AVC is touched.
    /// </para>
    /// </summary>
    protected virtual List<(int Pid, long Address)> RmapWalkAnon(Page page)
    {
        const string fn = "rmap_walk_anon";
        using var _ = Trace(fn, page);
        var found = new List<(int, long)>();
        if (page.MapCount <= 0)
            return found;
        var anonVma = Deref(page.Mapping, "folio_lock_anon_vma_read", $"{page}->mapping");
        Deref(anonVma.Root, "folio_lock_anon_vma_read", $"{anonVma}->root");

        long pgoff = page.Index;
        foreach (var avc in OrderedTree(anonVma))
        {
            Deref(avc, fn, $"AVC in {anonVma}'s tree");
            var vma = Deref(avc.Vma, "anon_vma_interval_tree_foreach", $"{avc}->vma");
            if (pgoff < avc.CachedStart || pgoff > avc.CachedLast)
                continue;
            long address = vma.Start + (pgoff - vma.PgOff);
            BugOn(address < vma.Start || address >= vma.End, fn, "VM_BUG_ON_VMA",
                $"vma_address of index {pgoff} in {vma} (pgoff {vma.PgOff}) is outside the VMA: stale interval-tree key [{avc.CachedStart},{avc.CachedLast}]");
            var mm = vma.Mm;
            if (mm is not null && H.Process(mm.Pid) == mm && mm.Ptes.TryGetValue(address, out var mapped) && ReferenceEquals(mapped, page))
                found.Add((mm.Pid, address));
        }
        return found;
    }

    /// <summary>The interval tree's in-order sequence: by start key, then last key, then owner and address.</summary>
    protected static IEnumerable<AnonVmaChain> OrderedTree(AnonVma av) =>
        av.Tree.OrderBy(a => a.CachedStart).ThenBy(a => a.CachedLast)
            .ThenBy(a => a.Vma.Mm?.Pid ?? -1).ThenBy(a => a.Vma.Start).ThenBy(a => a.Id).ToList();

    protected static string Show(object? o) => o?.ToString() ?? "NULL";
}
