namespace Formal.Reference.RuleSets;

/// <summary>
/// V3 as posted in v2 of Lorenzo Stoakes' 2026 anon_vma series (linux-next mm/rmap.c 019d65eb): asserts in
/// check_anon_vma_clone(), AVCs allocated unlocked and inserted afterwards, fork-only reuse
/// (try_to_reuse_anon_vma), unlink_anon_vmas() returning early for unfaulted VMAs, no anon_vma_merge(),
/// and anon_vma_fork() still cloning before it allocates (the syzbot fault-injection bug, B-2026a).
/// mm/vma.c: 6.16 rules with 61f67c230a5e and 3b617fd3d317.
/// </summary>
public class V3SeriesV2 : V2_616Fix
{
    public override string Name => "V3-series-v2";
    public override string KernelVersion => "linux-next 2026-01 (v2 of the anon_vma series)";
    public override string Commits => "v2 series (mm/rmap.c 019d65eb); 61f67c230a5e; 3b617fd3d317; 53eb797ffc3a (no anon_vma_merge)";
    public override string Summary => "2026 rework as posted in v2: clone-then-alloc in anon_vma_fork, early-return unlink";

    /// <summary>
    /// The 2026 anon_vma_clone() appends with list_add while walking src's chain from its head, so dst's
    /// chain ends up in reverse order (root first). Invariant I4's ordering clause therefore does not hold.
    /// </summary>
    public override bool ChainOrderRootLast => false;

    /// <summary>is_mergeable_anon_vma() case 1 with 3b617fd3d317: neither the middle nor the copied-from VMA may be a fork child.</summary>
    protected override bool SourceMayBeDuplicated(VmaMergeState vmg, Vma? src) =>
        !VmaHadUncowedParents(src) && !VmaHadUncowedParents(vmg.CopiedFrom);

    /// <summary>vma_complete() in the 2026 series calls unlink_anon_vmas() directly (anon_vma_merge() removed).</summary>
    protected override void RemoveMergedVmaLinks(Vma survivor, Vma removed) => UnlinkAnonVmas(removed);

    /// <summary>check_anon_vma_clone() (mm/rmap.c, 2026 series): the VM_WARN_ON_ONCE preconditions of anon_vma_clone().</summary>
    protected void CheckAnonVmaClone(Vma dst, Vma src, VmaOperation op)
    {
        const string fn = "check_anon_vma_clone";
        const string m = "VM_WARN_ON_ONCE";
        WarnOn(op != VmaOperation.Fork && !ReferenceEquals(dst.Mm, src.Mm), fn, m, $"{op}: {dst} and {src} are in different mms");
        WarnOn(src.AnonVma is null && src.Chain.Count != 0, fn, m, $"unfaulted src {src} has a non-empty chain");
        WarnOn(src.AnonVma is null && dst.AnonVma is not null, fn, m, $"unfaulted src {src} but dst {dst} has anon_vma {dst.AnonVma}");
        WarnOn(dst.Chain.Count != 0, fn, m, $"dst {dst} chain is not empty");
        WarnOn(dst.AnonVma is not null && !ReferenceEquals(dst.AnonVma, src.AnonVma), fn, m, $"dst {dst} anon_vma {dst.AnonVma} differs from src {src}'s {Show(src.AnonVma)}");
        WarnOn(op != VmaOperation.Fork && src.AnonVma is not null && dst.AnonVma is null, fn, m, $"{op}: faulted src {src} but dst {dst} has no anon_vma");
        WarnOn(op == VmaOperation.MergeUnfaulted && src.Chain.Count != 1, fn, m, $"merge of unfaulted {dst} from fork child {src} (chain of {src.Chain.Count})");
        WarnOn(op != VmaOperation.MergeUnfaulted && dst.Attached, fn, m, $"{op}: dst {dst} is already attached");
    }

    /// <summary>try_to_reuse_anon_vma() (v2) / maybe_reuse_anon_vma() (final): fork-only reuse of an anon_vma with no active VMA and at most one child.</summary>
    protected void MaybeReuseAnonVma(Vma dst, AnonVma anonVma)
    {
        if (dst.AnonVma is not null)
            return;
        if (anonVma.NumActiveVmas > 0 || anonVma.NumChildren > 1)
            return;
        Note($"reuse {anonVma} for {dst}");
        dst.AnonVma = anonVma;
        anonVma.NumActiveVmas++;
    }

    /// <summary>
    /// anon_vma_clone() (mm/rmap.c, 2026 series): check the preconditions; nothing to do for an unfaulted src;
    /// allocate one AVC per src entry without the lock (list_add while walking src from the head); then under
    /// src's root lock insert them walking dst from the tail, reusing on fork; non-fork dst gains an active VMA.
    /// </summary>
    protected override int AnonVmaClone(Vma dst, Vma src, VmaOperation op)
    {
        const string fn = "anon_vma_clone";
        using var _ = Trace(fn, dst, src, op);
        CheckAnonVmaClone(dst, src, op);
        var active = src.AnonVma;
        if (active is null)
            return 0;
        foreach (var pavc in src.Chain.ToList())
        {
            var avc = AnonVmaChainAlloc();
            if (avc is null)
            {
                CleanupPartialAnonVmas(dst);
                return ENOMEM;
            }
            avc.Vma = dst;
            avc.AnonVma = Deref(pavc, fn, "src AVC").AnonVma;
            ChainAdd(dst, avc);
        }
        AnonVmaLockWrite(active, fn);
        foreach (var avc in Enumerable.Reverse(dst.Chain).ToList())
        {
            IntervalTreeInsert(avc, avc.AnonVma, fn);
            if (op == VmaOperation.Fork)
                MaybeReuseAnonVma(dst, avc.AnonVma);
        }
        if (op != VmaOperation.Fork)
            Deref(dst.AnonVma, fn, "dst->anon_vma").NumActiveVmas++;
        return 0;
    }

    /// <summary>
    /// cleanup_partial_anon_vmas() (mm/rmap.c, 2026 series as posted in v2): free the AVCs allocated so far;
    /// it does not clear dst->anon_vma (fixed by 3a206a8649f8).
    /// </summary>
    protected virtual void CleanupPartialAnonVmas(Vma vma)
    {
        using var _ = Trace("cleanup_partial_anon_vmas", vma);
        foreach (var avc in vma.Chain.ToList())
        {
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, "cleanup_partial_anon_vmas");
        }
    }

    /// <summary>
    /// unlink_anon_vmas() (mm/rmap.c, 2026 series): an unfaulted VMA is skipped (VM_WARN_ON_ONCE if its chain is
    /// not empty); otherwise the root of vma->anon_vma is locked once and the two passes run as before.
    /// </summary>
    protected override void UnlinkAnonVmas(Vma vma)
    {
        const string fn = "unlink_anon_vmas";
        using var _ = Trace(fn, vma);
        var active = vma.AnonVma;
        if (active is null)
        {
            WarnOn(vma.Chain.Count != 0, fn, "VM_WARN_ON_ONCE", $"unfaulted {vma} still has {vma.Chain.Count} AVC(s) on its chain");
            return;
        }
        AnonVmaLockWrite(active, fn);
        foreach (var avc in vma.Chain.ToList())
        {
            var anonVma = Deref(avc, fn, "AVC on the chain").AnonVma;
            IntervalTreeRemove(avc, anonVma, fn);
            if (anonVma.Tree.Count == 0)
            {
                Decrement(Deref(anonVma.Parent, fn, $"{anonVma}->parent"), AnonVmaCounter.NumChildren, fn);
                continue;
            }
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, fn);
        }
        Decrement(active, AnonVmaCounter.NumActiveVmas, fn);
        vma.AnonVma = null;

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
    /// anon_vma_fork() (mm/rmap.c, v2 of the series): clone first; if nothing was reused allocate the child
    /// anon_vma and its AVC; on allocation failure unlink_anon_vmas(vma), which now returns early because
    /// vma->anon_vma is NULL, leaving the cloned AVCs in the parent's trees (B-2026a).
    /// </summary>
    protected override int AnonVmaFork(Vma vma, Vma pvma, Vma? childPrev)
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
        LinkNewForkAnonVma(vma, pvma, anonVma, avc);
        return 0;

    out_error_free_anon_vma:
        PutAnonVma(anonVma);
    out_error:
        UnlinkAnonVmas(vma);
        return ENOMEM;
    }

    /// <summary>The tail of anon_vma_fork(): root, parent, root pin, assign and insert the new AVC, count the child.</summary>
    protected void LinkNewForkAnonVma(Vma vma, Vma pvma, AnonVma anonVma, AnonVmaChain avc)
    {
        const string fn = "anon_vma_fork";
        anonVma.Root = Deref(pvma.AnonVma, fn, "pvma->anon_vma").Root;
        anonVma.Parent = pvma.AnonVma!;
        GetAnonVma(anonVma.Root);
        vma.AnonVma = anonVma;
        avc.Vma = vma;
        avc.AnonVma = anonVma;
        ChainAdd(vma, avc);
        AnonVmaLockWrite(anonVma, fn);
        IntervalTreeInsert(avc, anonVma, fn);
        Deref(anonVma.Parent, fn, "anon_vma->parent").NumChildren++;
    }
}

/// <summary>
/// V3 as merged (v3 of the series, before 3a206a8649f8): 91901a441fa1 "eliminate partial anon_vma tear-down in
/// anon_vma_fork" allocates the anon_vma and AVC before cloning; cleanup_partial_anon_vmas() still leaves
/// dst->anon_vma set on a failed clone (B-2026b).
/// </summary>
public class V3Merged : V3SeriesV2
{
    public override string Name => "V3-merged";
    public override string KernelVersion => "mainline after v6.19-rc7 (before 3a206a8649f8)";
    public override string Commits => "91901a441fa1 (alloc before clone in anon_vma_fork); 61f67c230a5e; 3b617fd3d317; 53eb797ffc3a";
    public override string Summary => "2026 rework as merged: alloc-then-clone fork, clone failure keeps dst->anon_vma";

    /// <summary>
    /// anon_vma_fork() (mm/rmap.c, 91901a441fa1): allocate the anon_vma and AVC first; clone; on error or reuse
    /// drop both; otherwise num_active_vmas = 1 and link as before.
    /// </summary>
    protected override int AnonVmaFork(Vma vma, Vma pvma, Vma? childPrev)
    {
        const string fn = "anon_vma_fork";
        using var _ = Trace(fn, vma, pvma);
        if (pvma.AnonVma is null)
            return 0;
        vma.AnonVma = null;
        var anonVma = AnonVmaAlloc();
        if (anonVma is null)
            return ENOMEM;
        var avc = AnonVmaChainAlloc();
        if (avc is null)
        {
            PutAnonVma(anonVma);
            return ENOMEM;
        }
        int rc = AnonVmaClone(vma, pvma, VmaOperation.Fork);
        if (rc != 0 || vma.AnonVma is not null)
        {
            PutAnonVma(anonVma);
            AnonVmaChainFree(avc, fn);
            return rc;
        }
        anonVma.NumActiveVmas = 1;
        LinkNewForkAnonVma(vma, pvma, anonVma, avc);
        return 0;
    }
}

/// <summary>V3 final: V3 as merged plus 3a206a8649f8 "mm/rmap: clear vma->anon_vma on error".</summary>
public class V3Final : V3Merged
{
    public override string Name => "V3-final";
    public override string KernelVersion => "mainline 2026 with 3a206a8649f8";
    public override string Commits => "91901a441fa1; 3a206a8649f8 (cleanup_partial_anon_vmas clears anon_vma); 61f67c230a5e; 3b617fd3d317";
    public override string Summary => "2026 rework with the clone-failure fix";

    /// <summary>cleanup_partial_anon_vmas() (mm/rmap.c, 3a206a8649f8): free the partial AVCs and clear vma->anon_vma.</summary>
    protected override void CleanupPartialAnonVmas(Vma vma)
    {
        base.CleanupPartialAnonVmas(vma);
        vma.AnonVma = null;
    }
}
