namespace Formal.Reference.RuleSets;

/// <summary>
/// V1 "degree" (7a3ef208e662, v3.19 .. v6.0), following mm/rmap.c of v5.15 (torvalds 8cdf3792): one
/// <c>degree</c> counter, fork reuse of an anon_vma with degree &lt; 2 other than src->anon_vma, Wei Yang's
/// v5.5 <c>src->anon_vma &amp;&amp;</c> test, 3fe89b3e2a7b (clone failure clears dst->anon_vma) and
/// ee8ab1903e3d (unlink clears vma->anon_vma). Linked-list era neighbours; do_wp_page() reuses a page
/// without moving it (09854ba94c6a, v5.9 .. v5.18).
/// </summary>
public class V1 : RuleSet
{
    public override string Name => "V1";
    public override string KernelVersion => "v5.15";
    public override string Commits => "7a3ef208e662 (degree); 3fe89b3e2a7b; Wei Yang v5.5 src->anon_vma test; ee8ab1903e3d; mm/rmap.c 8cdf3792";
    public override string Summary => "degree counter; fork reuses an anon_vma whose degree is below 2";
    public override CounterModel Counters => CounterModel.Degree;
    public override bool HasAnonExclusive => false;
    public override bool UsesMapleTree => false;

    /// <summary>Whether unlink_anon_vmas() clears vma->anon_vma (ee8ab1903e3d, v5.12).</summary>
    protected virtual bool UnlinkClearsAnonVma => true;

    /// <summary>anon_vma_alloc() (v3.19+): degree 1, "reference for first vma".</summary>
    protected override AnonVma? AnonVmaAlloc()
    {
        using var _ = Trace("anon_vma_alloc");
        var av = AllocAnonVmaObject();
        if (av is null)
            return null;
        av.Refcount = 1;
        av.Degree = 1;
        av.Parent = av;
        av.Root = av;
        return av;
    }

    /// <summary>__anon_vma_prepare() (v5.15): as v6.12 but one degree++ for the VMA reference or the new root's self link.</summary>
    protected override int AnonVmaPrepareSlow(Vma vma)
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
            allocated = anonVma;
        }
        AnonVmaLockWrite(anonVma, fn);
        if (vma.AnonVma is null)
        {
            vma.AnonVma = anonVma;
            AnonVmaChainLink(vma, avc, anonVma);
            anonVma.Degree++;
            allocated = null;
            avc = null;
        }
        if (allocated is not null)
            PutAnonVma(allocated);
        if (avc is not null)
            AnonVmaChainFree(avc, fn);
        return 0;
    }

    /// <summary>find_mergeable_anon_vma() (mm/mmap.c, linked-list era): vma->vm_next first, then vma->vm_prev.</summary>
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

    /// <summary>anon_vma_clone() (v5.15): the degree-era loop.</summary>
    protected override int AnonVmaClone(Vma dst, Vma src, VmaOperation op) => AnonVmaCloneDegree(dst, src);

    /// <summary>
    /// The body of anon_vma_clone() in the degree era: link dst to src's anon_vmas oldest first; on fork adopt
    /// the first one that is not src->anon_vma and has degree &lt; 2; then degree++ on dst->anon_vma.
    /// On failure dst->anon_vma is cleared before unlink_anon_vmas(dst) (3fe89b3e2a7b).
    /// </summary>
    protected int AnonVmaCloneDegree(Vma dst, Vma src)
    {
        const string fn = "anon_vma_clone";
        using var _ = Trace(fn, dst, src);
        AnonVma? root = null;
        foreach (var pavc in Enumerable.Reverse(src.Chain).ToList())
        {
            var avc = AnonVmaChainAlloc();
            if (avc is null)
                goto enomem;
            var anonVma = Deref(pavc, fn, "src AVC").AnonVma;
            Deref(anonVma, fn, $"{pavc}->anon_vma");
            root = LockAnonVmaRoot(root, anonVma, fn);
            AnonVmaChainLink(dst, avc, anonVma);
            if (dst.AnonVma is null && CloneMayReuse(src, anonVma))
            {
                Note($"reuse {anonVma} (degree {anonVma.Degree}) for {dst}");
                dst.AnonVma = anonVma;
            }
        }
        if (dst.AnonVma is not null)
            Deref(dst.AnonVma, fn, "dst->anon_vma").Degree++;
        return 0;

    enomem:
        if (CloneFailureClearsDst)
            dst.AnonVma = null;
        UnlinkAnonVmas(dst);
        return ENOMEM;
    }

    /// <summary>The reuse test: v5.5+ <c>src->anon_vma &amp;&amp; anon_vma != src->anon_vma &amp;&amp; anon_vma->degree &lt; 2</c>.</summary>
    protected override bool CloneMayReuse(Vma src, AnonVma anonVma) =>
        src.AnonVma is not null && !ReferenceEquals(anonVma, src.AnonVma) && anonVma.Degree < 2;

    /// <summary>3fe89b3e2a7b (v4.0): a failed clone clears dst->anon_vma before unlinking.</summary>
    protected virtual bool CloneFailureClearsDst => true;

    /// <summary>anon_vma_fork() (v5.15): as v6.12 with degree: the new anon_vma's own degree 1 stands for the VMA; parent->degree++.</summary>
    protected override int AnonVmaFork(Vma vma, Vma pvma, Vma? childPrev) => AnonVmaForkDegree(vma, pvma);

    /// <summary>The degree-era anon_vma_fork() after its early exits.</summary>
    protected int AnonVmaForkDegree(Vma vma, Vma pvma)
    {
        const string fn = "anon_vma_fork";
        using var _ = Trace(fn, vma, pvma);
        if (pvma.AnonVma is null)
            return 0;
        vma.AnonVma = null;
        return AnonVmaForkAfterShare(vma, pvma);
    }

    /// <summary>The part of anon_vma_fork() from the clone on (shared with the prev-share variants).</summary>
    protected int AnonVmaForkAfterShare(Vma vma, Vma pvma)
    {
        const string fn = "anon_vma_fork";
        int error = AnonVmaClone(vma, pvma, VmaOperation.Fork);
        if (error != 0)
            return error;
        if (vma.AnonVma is not null)
            return 0;
        var anonVma = AnonVmaAlloc();
        if (anonVma is null)
            goto out_error;
        var avc = AnonVmaChainAlloc();
        if (avc is null)
            goto out_error_free_anon_vma;
        anonVma.Root = Deref(pvma.AnonVma, fn, "pvma->anon_vma").Root;
        anonVma.Parent = pvma.AnonVma!;
        GetAnonVma(anonVma.Root);
        vma.AnonVma = anonVma;
        AnonVmaLockWrite(anonVma, fn);
        AnonVmaChainLink(vma, avc, anonVma);
        Deref(anonVma.Parent, fn, "anon_vma->parent").Degree++;
        return 0;

    out_error_free_anon_vma:
        PutAnonVma(anonVma);
    out_error:
        UnlinkAnonVmas(vma);
        return ENOMEM;
    }

    /// <summary>
    /// unlink_anon_vmas() (v5.15): pass 1 decrements parent->degree for each emptied tree and the VMA's own
    /// anon_vma's degree; pass 2 checks degree (<see cref="DegreeCheck"/>) and puts.
    /// </summary>
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
            {
                Decrement(Deref(anonVma.Parent, fn, $"{anonVma}->parent"), AnonVmaCounter.Degree, fn);
                continue;
            }
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, fn);
        }
        if (vma.AnonVma is not null)
        {
            Decrement(Deref(vma.AnonVma, fn, "vma->anon_vma"), AnonVmaCounter.Degree, fn);
            if (UnlinkClearsAnonVma)
                vma.AnonVma = null;
        }
        foreach (var avc in vma.Chain.ToList())
        {
            var anonVma = avc.AnonVma;
            Deref(anonVma, fn, $"{avc}->anon_vma");
            DegreeCheck(anonVma);
            PutAnonVma(anonVma);
            ChainDel(vma, avc);
            AnonVmaChainFree(avc, fn);
        }
    }

    /// <summary>VM_WARN_ON(anon_vma->degree) in the second pass (a hard BUG_ON when 7a3ef208e662 introduced it).</summary>
    protected virtual void DegreeCheck(AnonVma anonVma) =>
        WarnOn(anonVma.Degree != 0, "unlink_anon_vmas", "VM_WARN_ON", $"{anonVma}->degree = {anonVma.Degree} when its tree emptied");

    /// <summary>wp_page_reuse() path of v5.9 .. v5.18: page_count() == 1 reuses the page in place; mapping is not moved.</summary>
    protected override bool WpCanReuseAnonFolio(Page page, Vma vma, long addr)
    {
        using var _ = Trace("do_wp_page: reuse check", page, vma);
        return page.MapCount == 1;
    }
}
