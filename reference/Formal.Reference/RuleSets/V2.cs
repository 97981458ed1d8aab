namespace Formal.Reference.RuleSets;

/// <summary>
/// V2 with the pre-6.16 merge rules: split counters (2555283eb40d, v6.0-rc4, CVE-2022-42703 fix),
/// mm/vma.c of v6.12 (01c373e9) with the singular-neighbour rule of 965f55dea0e3. This is exactly the
/// base <see cref="RuleSet"/>.
/// </summary>
public class V2Pre616 : RuleSet
{
    public override string Name => "V2-pre6.16";
    public override string KernelVersion => "v6.12";
    public override string Commits => "2555283eb40d (split counters); mm/vma.c 01c373e9; mm/rmap.c 0579c757";
    public override string Summary => "num_children + num_active_vmas; merge needs a singular-chain neighbour";
}

/// <summary>
/// V2 with the 6.16 merge rules (879bca0a2c4f "mm/vma: fix incorrectly disallowed anonymous VMA merges"):
/// the singularity test applies to whichever side is faulted; vma_modify() reports a failed merge as -ENOMEM.
/// Follows linux-next mm/vma.c 0eacabda.
/// </summary>
public class V2_616 : V2Pre616
{
    public override string Name => "V2-6.16";
    public override string KernelVersion => "v6.16";
    public override string Commits => "2555283eb40d; 879bca0a2c4f (three-case is_mergeable_anon_vma); mm/vma.c 0eacabda";
    public override string Summary => "6.16 merge rules: faulted range may merge into an unfaulted neighbour unless it is a fork child";

    /// <summary>
    /// is_mergeable_anon_vma() (mm/vma.c, 879bca0a2c4f): (1) unfaulted target, faulted source: allowed unless
    /// the source had uncowed parents; (2) faulted target, unfaulted source: allowed unless the target had;
    /// (3) both faulted: only the same anon_vma.
    /// </summary>
    protected override bool IsMergeableAnonVma(VmaMergeState vmg, bool mergeNext)
    {
        var tgt = mergeNext ? vmg.Next! : vmg.Prev!;
        var src = vmg.Middle;
        var tgtAnon = tgt.AnonVma;
        var srcAnon = vmg.AnonVma;
        WarnOn(src is not null && !ReferenceEquals(srcAnon, src.AnonVma), "is_mergeable_anon_vma", "VM_WARN_ON",
            $"vmg->anon_vma {Show(srcAnon)} differs from middle {src}'s {Show(src?.AnonVma)}");
        if (tgtAnon is null && srcAnon is not null)
            return SourceMayBeDuplicated(vmg, src);
        if (tgtAnon is not null && srcAnon is null)
            return !VmaHadUncowedParents(tgt);
        return ReferenceEquals(srcAnon, tgtAnon);
    }

    /// <summary>Case 1 of is_mergeable_anon_vma(): before 3b617fd3d317 only the middle VMA is checked.</summary>
    protected virtual bool SourceMayBeDuplicated(VmaMergeState vmg, Vma? src) => !VmaHadUncowedParents(src);

    /// <summary>vma_had_uncowed_parents() (renamed vma_is_fork_child() by 3b617fd3d317): faulted with a non-singular chain.</summary>
    protected static bool VmaHadUncowedParents(Vma? vma) => vma is not null && vma.AnonVma is not null && vma.Chain.Count != 1;

    /// <summary>can_vma_merge_right() of 6.16: prev and next compatible unless both are faulted with different anon_vmas.</summary>
    protected override bool PrevNextAnonVmasCompatible(Vma prev, Vma next) =>
        prev.AnonVma is null || next.AnonVma is null || ReferenceEquals(prev.AnonVma, next.AnonVma);

    protected override bool VmaModifyFailsOnMergeNomem => true;
}

/// <summary>
/// V2 6.16 plus 61f67c230a5e "mm/vma: fix anon_vma UAF on mremap() faulted, unfaulted merge":
/// copy_vma() merges through vma_merge_copied_range(), and vma_expand() also duplicates the anon_vma of the
/// VMA being copied from. (3b617fd3d317, the fork-child check for the copied VMA, is not included.)
/// </summary>
public class V2_616Fix : V2_616
{
    public override string Name => "V2-6.16-fix";
    public override string KernelVersion => "v6.16 + 61f67c230a5e";
    public override string Commits => "2555283eb40d; 879bca0a2c4f; 61f67c230a5e (vma_expand dups from copied_from)";
    public override string Summary => "6.16 merge rules with the mremap copied_from anon_vma duplication";

    /// <summary>vma_merge_copied_range() (mm/vma.c, 61f67c230a5e): record the source as copied_from, then merge as a new range.</summary>
    protected override Vma? MergeCopiedRange(VmaMergeState vmg, Vma source)
    {
        using var _ = Trace("vma_merge_copied_range", vmg, source);
        vmg.CopiedFrom = source;
        vmg.Middle = null;
        return VmaMergeNewRange(vmg);
    }

    /// <summary>
    /// vma_expand() (mm/vma.c, 61f67c230a5e): duplicate next's anon_vma when next is removed, and the copied-from
    /// VMA's whenever the merge comes from mremap().
    /// </summary>
    protected override int VmaExpand(VmaMergeState vmg)
    {
        const string fn = "vma_expand";
        using var _ = Trace(fn, vmg);
        Vma? anonDup = null;
        var target = vmg.Middle!;
        var next = vmg.Next;
        bool removeNext = next is not null && !ReferenceEquals(target, next) && vmg.End == next.End;
        int ret = 0;
        if (removeNext)
            ret = DupAnonVma(target, next!, ref anonDup);
        if (ret == 0 && vmg.CopiedFrom is not null)
            ret = DupAnonVma(target, vmg.CopiedFrom, ref anonDup);
        if (ret != 0)
            return ret;
        vmg.Target = target;
        vmg.RemoveNext = removeNext;
        if (CommitMerge(vmg) != 0)
        {
            vmg.State = VmaMergeResult.ErrorNomem;
            if (anonDup is not null)
                UnlinkAnonVmas(anonDup);
            return ENOMEM;
        }
        return 0;
    }
}
