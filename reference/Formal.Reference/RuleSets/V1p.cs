namespace Formal.Reference.RuleSets;

/// <summary>
/// V1p: 4e4a9eb92133 "mm/rmap.c: reuse mergeable anon_vma as parent when fork" as merged for v5.5-rc1.
/// anon_vma_clone() shares prev->anon_vma when the parent shares its anon_vma with its previous VMA, while
/// dup_mmap() still runs anon_vma_fork() (and anon_vma_prepare() for VM_WIPEONFORK) before it sets the child's
/// vm_prev, so "prev" is the parent's previous VMA. v5.5 also predates ee8ab1903e3d (unlink keeps
/// vma->anon_vma) and MREMAP_DONTUNMAP, and its do_wp_page() reuse still calls page_move_anon_rmap().
/// </summary>
public class V1p : V1
{
    public override string Name => "V1p";
    public override string KernelVersion => "v5.5-rc1";
    public override string Commits => "4e4a9eb92133 (prev-share in anon_vma_clone); 7a3ef208e662; 3fe89b3e2a7b; kernel/fork.c v5.5";
    public override string Summary => "prev-share heuristic as merged; dup_mmap links the child VMA after anon_vma_fork";
    public override bool SupportsMremapDontUnmap => false;
    protected override bool UnlinkClearsAnonVma => false;

    /// <summary>
    /// Whether dup_mmap() sets tmp->vm_prev/vm_next to the child's list right after vm_area_dup()
    /// (Konstantin's "kernel/fork: set VMA's mm/prev/next right after vm_area_dup in dup_mmap").
    /// </summary>
    protected virtual bool DupMmapSetsChildLinksEarly => false;

    /// <summary>
    /// anon_vma_clone() (4e4a9eb92133): before the degree loop, if the parent shares its anon_vma with its
    /// vm_prev, take dst->vm_prev's anon_vma (no AVC is added for it).
    /// </summary>
    protected override int AnonVmaClone(Vma dst, Vma src, VmaOperation op)
    {
        var prev = dst.VmPrev;
        var pprev = src.VmPrev;
        if (dst.AnonVma is null && src.AnonVma is not null && pprev is not null && ReferenceEquals(pprev.AnonVma, src.AnonVma))
        {
            dst.AnonVma = Deref(prev, "anon_vma_clone", "dst->vm_prev").AnonVma;
            Note($"prev-share: {dst} takes {Show(dst.AnonVma)} from its vm_prev {prev}");
        }
        return AnonVmaCloneDegree(dst, src);
    }

    /// <summary>
    /// dup_mmap() (kernel/fork.c, v5.5): vm_area_dup() copies vm_prev/vm_next from the parent; VM_WIPEONFORK
    /// copies get anon_vma_prepare() (looking at those stale neighbours); the child's list links are set only
    /// after anon_vma_fork().
    /// </summary>
    protected override int DupMmap(Mm mm, Mm oldmm)
    {
        const string fn = "dup_mmap";
        using var _ = Trace(fn, mm, oldmm);
        Vma? prev = null;
        foreach (var mpnt in oldmm.Vmas.ToList())
        {
            if ((mpnt.Flags & VmaFlags.DontCopy) != 0)
                continue;
            var tmp = VmAreaDup(mpnt);
            if (tmp is null)
                return DupMmapFail(mm);
            tmp.Mm = mm;
            if (DupMmapSetsChildLinksEarly)
            {
                tmp.VmPrev = prev;
                tmp.VmNext = null;
            }
            int err;
            if ((tmp.Flags & VmaFlags.WipeOnFork) != 0)
            {
                tmp.AnonVma = null;
                err = AnonVmaPrepare(tmp);
            }
            else
                err = AnonVmaFork(tmp, mpnt, prev);
            if (err != 0)
            {
                VmAreaFree(tmp, fn);
                return DupMmapFail(mm);
            }
            tmp.VmPrev = tmp.VmNext = null;
            mm.Insert(tmp);
            if ((tmp.Flags & VmaFlags.WipeOnFork) == 0)
                CopyPageRange(tmp, mpnt);
            prev = tmp;
        }
        return 0;
    }

    /// <summary>do_wp_page() of v5.5: reuse_swap_page() (mapcount 1) then page_move_anon_rmap().</summary>
    protected override bool WpCanReuseAnonFolio(Page page, Vma vma, long addr)
    {
        using var _ = Trace("do_wp_page: reuse_swap_page", page, vma);
        if (page.MapCount != 1)
            return false;
        FolioMoveAnonRmap(page, vma, addr);
        return true;
    }

    /// <summary>page_move_anon_rmap() (mm/rmap.c, v5.5): VM_BUG_ON_VMA without anon_vma, VM_BUG_ON_PAGE on an index mismatch.</summary>
    protected override void FolioMoveAnonRmap(Page page, Vma vma, long address)
    {
        const string fn = "page_move_anon_rmap";
        using var _ = Trace(fn, page, vma, address);
        BugOn(vma.AnonVma is null, fn, "VM_BUG_ON_VMA", $"{vma} has no anon_vma");
        BugOn(page.Index != vma.LinearPageIndex(address), fn, "VM_BUG_ON_PAGE",
            $"{page} index {page.Index} != linear_page_index {vma.LinearPageIndex(address)} in {vma}");
        page.Mapping = vma.AnonVma;
    }
}

/// <summary>
/// V1p with the dup_mmap() order fixed but the prev-share code as merged: Konstantin's "[PATCH v2 2/2]
/// kernel/fork: set VMA's mm/prev/next right after vm_area_dup in dup_mmap" applied alone on v5.5-rc1. This is
/// the combination whose assumption "parent has vm_prev implies child has vm_prev" fails (B-2020b).
/// </summary>
public class V1pOrderFixed : V1p
{
    public override string Name => "V1p-order-fixed";
    public override string KernelVersion => "v5.5-rc1 + dup_mmap order fix";
    public override string Commits => "4e4a9eb92133; Konstantin Khlebnikov \"[PATCH v2 2/2] kernel/fork: set VMA's mm/prev/next right after vm_area_dup in dup_mmap\"";
    public override string Summary => "prev-share as merged with the child's real vm_prev (exposes the VM_DONTCOPY NULL prev)";
    protected override bool DupMmapSetsChildLinksEarly => true;
}

/// <summary>
/// The seed's fix v1 patch, Konstantin Khlebnikov, 6 Jan 2020, "[PATCH] mm/rmap: fix reusing mergeable anon_vma
/// as parent when fork": dup_mmap() sets the child's vm_prev before anon_vma_fork(); the sharing moves from
/// anon_vma_clone() into anon_vma_fork() with a pprev->vm_start == prev->vm_start check. The shared anon_vma is
/// still not linked to the child VMA (Li Xinhai's problem 3, B-2020c).
/// </summary>
public class V1pSeedV1 : V1p
{
    public override string Name => "V1p-seed-v1";
    public override string KernelVersion => "v5.5-rc1 + seed fix v1";
    public override string Commits => "4e4a9eb92133; \"[PATCH] mm/rmap: fix reusing mergeable anon_vma as parent when fork\" (v1)";
    public override string Summary => "prev-share moved to anon_vma_fork with a vm_start check; dup_mmap order fixed";
    protected override bool DupMmapSetsChildLinksEarly => true;

    protected override int AnonVmaClone(Vma dst, Vma src, VmaOperation op) => AnonVmaCloneDegree(dst, src);

    /// <summary>anon_vma_fork() of the v1 patch: share prev->anon_vma when pprev shares pvma's and starts where prev does.</summary>
    protected override int AnonVmaFork(Vma vma, Vma pvma, Vma? childPrev)
    {
        const string fn = "anon_vma_fork";
        using var _ = Trace(fn, vma, pvma);
        var prev = vma.VmPrev;
        var pprev = pvma.VmPrev;
        if (pvma.AnonVma is null)
            return 0;
        vma.AnonVma = null;
        if (pvma.AnonVma is not null && pprev is not null && prev is not null &&
            ReferenceEquals(pprev.AnonVma, pvma.AnonVma) && pprev.Start == prev.Start)
        {
            vma.AnonVma = prev.AnonVma;
            Note($"prev-share: {vma} takes {Show(vma.AnonVma)} from {prev}");
        }
        return AnonVmaForkAfterShare(vma, pvma);
    }
}

/// <summary>
/// Konstantin Khlebnikov's v2, "[PATCH v2 1/2] mm/rmap: fix and simplify reusing mergeable anon_vma as parent
/// when fork": anon_vma_fork() gets the child's previous VMA from dup_mmap() and shares its anon_vma only if that
/// anon_vma's parent is pvma->anon_vma, cloning from prev so the shared anon_vma is linked.
/// </summary>
public class V1pKonstantinV2 : V1p
{
    public override string Name => "V1p-konstantin-v2";
    public override string KernelVersion => "v5.5-rc1 + Konstantin v2";
    public override string Commits => "4e4a9eb92133; \"[PATCH v2 1/2] mm/rmap: fix and simplify reusing mergeable anon_vma as parent when fork\"";
    public override string Summary => "share prev->anon_vma only if its parent is pvma->anon_vma, then clone from prev";

    protected override int AnonVmaClone(Vma dst, Vma src, VmaOperation op) => AnonVmaCloneDegree(dst, src);

    /// <summary>anon_vma_fork(vma, pvma, prev) of the v2 patch.</summary>
    protected override int AnonVmaFork(Vma vma, Vma pvma, Vma? childPrev)
    {
        const string fn = "anon_vma_fork";
        using var _ = Trace(fn, vma, pvma, childPrev);
        if (pvma.AnonVma is null)
            return 0;
        if (childPrev?.AnonVma is not null &&
            ReferenceEquals(Deref(childPrev.AnonVma, fn, "prev->anon_vma").Parent, pvma.AnonVma))
        {
            vma.AnonVma = childPrev.AnonVma;
            Note($"share {childPrev.AnonVma} of {childPrev} (its parent is {pvma.AnonVma}); clone from prev");
            return AnonVmaClone(vma, childPrev, VmaOperation.Fork);
        }
        vma.AnonVma = null;
        return AnonVmaForkAfterShare(vma, pvma);
    }
}

/// <summary>
/// The linux-next version (Oct 2019) of "mm/rmap.c: reuse mergeable anon_vma as parent when fork", before v3/v4
/// of the patch added <c>!dst->anon_vma &amp;&amp; src->anon_vma</c> to the prev-share test and before Wei Yang's
/// "don't reuse anon_vma if we just want a copy": the sharing also fires in the anon_vma_clone() of a merge
/// (B-2019a, "kernel BUG at include/linux/rmap.h:159" on s390 and syzbot).
/// </summary>
public class V1pNext2019 : V1p
{
    public override string Name => "V1p-next-2019";
    public override string KernelVersion => "linux-next 2019-10 (v5.4 + prev-share v1/v2)";
    public override string Commits => "first linux-next version of 4e4a9eb92133; 7a3ef208e662 reuse test without src->anon_vma";
    public override string Summary => "prev-share without the fork-only guard: fires in merge clones too";

    /// <summary>anon_vma_clone() with the unguarded prev-share test <c>pprev &amp;&amp; pprev->anon_vma == src->anon_vma</c>.</summary>
    protected override int AnonVmaClone(Vma dst, Vma src, VmaOperation op)
    {
        var prev = dst.VmPrev;
        var pprev = src.VmPrev;
        if (pprev is not null && ReferenceEquals(pprev.AnonVma, src.AnonVma))
        {
            dst.AnonVma = Deref(prev, "anon_vma_clone", "dst->vm_prev").AnonVma;
            Note($"prev-share: {dst} takes {Show(dst.AnonVma)} from its vm_prev {prev}");
        }
        return AnonVmaCloneDegree(dst, src);
    }

    /// <summary>The v3.19 .. v5.4 reuse test: <c>anon_vma != src->anon_vma &amp;&amp; anon_vma->degree &lt; 2</c>.</summary>
    protected override bool CloneMayReuse(Vma src, AnonVma anonVma) =>
        !ReferenceEquals(anonVma, src.AnonVma) && anonVma.Degree < 2;
}
