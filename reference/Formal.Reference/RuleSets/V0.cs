namespace Formal.Reference.RuleSets;

/// <summary>
/// V0 "chain" (5beb49305251, v2.6.34 .. v3.18), following mm/rmap.c of v3.13 (torvalds 00170fdd): anon_vma_chain
/// with interval trees, no counters besides the refcount, no parent, no anon_vma reuse at fork; reuse only in
/// anon_vma_prepare() from a neighbour with a singular chain. vma_adjust() imports an anon_vma by cloning first
/// and assigning after. __put_anon_vma() still drops the root before freeing the child (pre-624483f3ea82).
/// No VM_WIPEONFORK (v4.14) and no MREMAP_DONTUNMAP (v5.7).
/// </summary>
public class V0 : RuleSet
{
    public override string Name => "V0";
    public override string KernelVersion => "v3.13";
    public override string Commits => "5beb49305251 (anon_vma_chain); bf181b9f9d8d (interval tree); 965f55dea0e3; mm/rmap.c 00170fdd";
    public override string Summary => "anon_vma_chain without counters; fork always allocates a new anon_vma";
    public override CounterModel Counters => CounterModel.None;
    public override bool HasParentLinks => false;
    public override bool SupportsWipeOnFork => false;
    public override bool SupportsMremapDontUnmap => false;
    public override bool HasAnonExclusive => false;
    public override bool UsesMapleTree => false;

    /// <summary>anon_vma_alloc() (v3.13): refcount 1, root = self.</summary>
    protected override AnonVma? AnonVmaAlloc()
    {
        using var _ = Trace("anon_vma_alloc");
        var av = AllocAnonVmaObject();
        if (av is null)
            return null;
        av.Refcount = 1;
        av.Root = av;
        av.Parent = av;
        return av;
    }

    /// <summary>__put_anon_vma() (v3.13, before 624483f3ea82): drop the root's reference first, then free the anon_vma.</summary>
    protected override void PutAnonVmaFinal(AnonVma av)
    {
        const string fn = "__put_anon_vma";
        using var _ = Trace(fn, av);
        var root = av.Root;
        if (!ReferenceEquals(root, av))
        {
            Deref(root, fn, $"{av}->root");
            root.Refcount--;
            if (root.Refcount < 0)
                Report(ViolationKind.RefcountUnderflow, fn, "", $"{root}->refcount went below zero ({root.Refcount})");
            if (root.Refcount == 0)
                AnonVmaFree(root);
        }
        AnonVmaFree(av);
    }

    /// <summary>anon_vma_prepare() slow path (v3.13): no counters.</summary>
    protected override int AnonVmaPrepareSlow(Vma vma)
    {
        const string fn = "anon_vma_prepare";
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
            allocated = anonVma;
        }
        AnonVmaLockWrite(anonVma, fn);
        if (vma.AnonVma is null)
        {
            vma.AnonVma = anonVma;
            AnonVmaChainLink(vma, avc, anonVma);
            allocated = null;
            avc = null;
        }
        if (allocated is not null)
            PutAnonVma(allocated);
        if (avc is not null)
            AnonVmaChainFree(avc, fn);
        return 0;
    }

    /// <summary>find_mergeable_anon_vma() (mm/mmap.c, v3.13): vma->vm_next first, then vma->vm_prev.</summary>
    protected override AnonVma? FindMergeableAnonVma(Vma vma)
    {
        using var _ = Trace("find_mergeable_anon_vma", vma);
        if (vma.VmNext is not null)
        {
            var av = ReusableAnonVma(vma.VmNext, vma, vma.VmNext);
            if (av is not null)
                return av;
        }
        return vma.VmPrev is not null ? ReusableAnonVma(vma.VmPrev, vma.VmPrev, vma) : null;
    }

    /// <summary>anon_vma_clone() (v3.13): link dst to every anon_vma of src, oldest first; no reuse; failure unlinks dst.</summary>
    protected override int AnonVmaClone(Vma dst, Vma src, VmaOperation op)
    {
        const string fn = "anon_vma_clone";
        using var _ = Trace(fn, dst, src);
        AnonVma? root = null;
        foreach (var pavc in Enumerable.Reverse(src.Chain).ToList())
        {
            var avc = AnonVmaChainAlloc();
            if (avc is null)
            {
                UnlinkAnonVmas(dst);
                return ENOMEM;
            }
            var anonVma = Deref(pavc, fn, "src AVC").AnonVma;
            Deref(anonVma, fn, $"{pavc}->anon_vma");
            root = LockAnonVmaRoot(root, anonVma, fn);
            AnonVmaChainLink(dst, avc, anonVma);
        }
        return 0;
    }

    /// <summary>
    /// anon_vma_fork() (v3.13): the child keeps the inherited anon_vma pointer during the clone, then gets a new
    /// anon_vma whose root is the parent's root (pinned); no parent link, no counters.
    /// </summary>
    protected override int AnonVmaFork(Vma vma, Vma pvma, Vma? childPrev)
    {
        const string fn = "anon_vma_fork";
        using var _ = Trace(fn, vma, pvma);
        if (pvma.AnonVma is null)
            return 0;
        if (AnonVmaClone(vma, pvma, VmaOperation.Fork) != 0)
            return ENOMEM;
        var anonVma = AnonVmaAlloc();
        if (anonVma is null)
            goto out_error;
        var avc = AnonVmaChainAlloc();
        if (avc is null)
            goto out_error_free_anon_vma;
        anonVma.Root = Deref(pvma.AnonVma, fn, "pvma->anon_vma").Root;
        GetAnonVma(anonVma.Root);
        vma.AnonVma = anonVma;
        AnonVmaLockWrite(anonVma, fn);
        AnonVmaChainLink(vma, avc, anonVma);
        return 0;

    out_error_free_anon_vma:
        PutAnonVma(anonVma);
    out_error:
        UnlinkAnonVmas(vma);
        return ENOMEM;
    }

    /// <summary>unlink_anon_vmas() (v3.13): remove every AVC from its tree, then put the anon_vmas whose trees emptied.</summary>
    protected override void UnlinkAnonVmas(Vma vma)
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
                continue;
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, fn);
        }
        foreach (var avc in vma.Chain.ToList())
        {
            var anonVma = Deref(avc.AnonVma, fn, $"{avc}->anon_vma");
            PutAnonVma(anonVma);
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, fn);
        }
    }

    /// <summary>
    /// The importer/exporter step of vma_adjust() (mm/mmap.c, v3.13): anon_vma_clone(importer, exporter) first,
    /// importer->anon_vma assigned only after it succeeded.
    /// </summary>
    protected override int DupAnonVma(Vma dst, Vma src, ref Vma? dup)
    {
        using var _ = Trace("vma_adjust: import anon_vma", dst, src);
        if (src.AnonVma is not null && dst.AnonVma is null)
        {
            if (AnonVmaClone(dst, src, VmaOperation.MergeUnfaulted) != 0)
                return ENOMEM;
            dst.AnonVma = src.AnonVma;
            dup = dst;
        }
        return 0;
    }

    /// <summary>do_wp_page() of v3.13: reuse_swap_page() (mapcount 1) then page_move_anon_rmap().</summary>
    protected override bool WpCanReuseAnonFolio(Page page, Vma vma, long addr)
    {
        using var _ = Trace("do_wp_page: reuse_swap_page", page, vma);
        if (page.MapCount != 1)
            return false;
        FolioMoveAnonRmap(page, vma, addr);
        return true;
    }

    /// <summary>page_move_anon_rmap() (mm/rmap.c, v3.13): VM_BUG_ON without anon_vma, VM_BUG_ON_PAGE on an index mismatch.</summary>
    protected override void FolioMoveAnonRmap(Page page, Vma vma, long address)
    {
        const string fn = "page_move_anon_rmap";
        using var _ = Trace(fn, page, vma, address);
        BugOn(vma.AnonVma is null, fn, "VM_BUG_ON", $"{vma} has no anon_vma");
        BugOn(page.Index != vma.LinearPageIndex(address), fn, "VM_BUG_ON_PAGE",
            $"{page} index {page.Index} != linear_page_index {vma.LinearPageIndex(address)} in {vma}");
        page.Mapping = vma.AnonVma;
    }
}
