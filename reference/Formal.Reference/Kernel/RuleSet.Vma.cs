namespace Formal.Reference;

// mm/vma.c: merge, expand, split, modify, copy. Structure of v6.16 (linux-next 0eacabda), which for the
// anonymous state behaves like v6.12 (torvalds 01c373e9) except where a virtual method says otherwise.
public abstract partial class RuleSet
{
    /// <summary>is_mergeable_vma() (mm/vma.c): same flags (policy, file, uffd and name are always equal here).</summary>
    protected virtual bool IsMergeableVma(VmaMergeState vmg, bool mergeNext)
    {
        var vma = mergeNext ? vmg.Next! : vmg.Prev!;
        return vma.Prot == vmg.Prot && vma.Flags == vmg.Flags;
    }

    /// <summary>
    /// is_mergeable_anon_vma() (mm/vma.c, 965f55dea0e3 .. v6.15): mergeable when one side is unfaulted and
    /// the candidate neighbour's chain is singular, or when both anon_vmas are equal. The candidate neighbour
    /// is prev for a merge after it, next for a merge before it.
    /// </summary>
    protected virtual bool IsMergeableAnonVma(VmaMergeState vmg, bool mergeNext)
    {
        var neighbour = mergeNext ? vmg.Next! : vmg.Prev!;
        return IsMergeableAnonVmaPair(vmg.AnonVma, neighbour.AnonVma, neighbour);
    }

    /// <summary>The two-anon_vma form of is_mergeable_anon_vma() used up to v6.15.</summary>
    protected static bool IsMergeableAnonVmaPair(AnonVma? a1, AnonVma? a2, Vma? vma)
    {
        if ((a1 is null || a2 is null) && (vma is null || vma.Chain.Count == 1))
            return true;
        return ReferenceEquals(a1, a2);
    }

    /// <summary>
    /// The prev/next compatibility test of a three-way merge in can_vma_merge_right()
    /// (v6.12: are_anon_vmas_compatible(), i.e. is_mergeable_anon_vma(prev, next, NULL)).
    /// </summary>
    protected virtual bool PrevNextAnonVmasCompatible(Vma prev, Vma next) =>
        IsMergeableAnonVmaPair(prev.AnonVma, next.AnonVma, null);

    /// <summary>can_vma_merge_before() (mm/vma.c): the range can be merged in front of next.</summary>
    protected bool CanVmaMergeBefore(VmaMergeState vmg)
    {
        long pglen = vmg.End - vmg.Start;
        return IsMergeableVma(vmg, true) && IsMergeableAnonVma(vmg, true) && vmg.Next!.PgOff == vmg.PgOff + pglen;
    }

    /// <summary>can_vma_merge_after() (mm/vma.c): the range can be merged behind prev.</summary>
    protected bool CanVmaMergeAfter(VmaMergeState vmg) =>
        IsMergeableVma(vmg, false) && IsMergeableAnonVma(vmg, false) && vmg.Prev!.PgOff + vmg.Prev.Pages == vmg.PgOff;

    /// <summary>can_vma_merge_left() (mm/vma.c).</summary>
    protected bool CanVmaMergeLeft(VmaMergeState vmg) =>
        vmg.Prev is not null && vmg.Prev.End == vmg.Start && CanVmaMergeAfter(vmg);

    /// <summary>can_vma_merge_right() (mm/vma.c): also requires prev and next to be compatible for a three-way merge.</summary>
    protected bool CanVmaMergeRight(VmaMergeState vmg, bool canMergeLeft)
    {
        var next = vmg.Next;
        if (next is null || vmg.End != next.Start || !CanVmaMergeBefore(vmg))
            return false;
        if (!canMergeLeft)
            return true;
        return PrevNextAnonVmasCompatible(vmg.Prev!, next);
    }

    /// <summary>anon_vma_interval_tree_pre_update_vma(): take the VMA out of each of its trees before its key changes.</summary>
    protected void IntervalTreePreUpdateVma(Vma vma, string caller)
    {
        foreach (var avc in vma.Chain)
            IntervalTreeRemove(avc, avc.AnonVma, caller);
    }

    /// <summary>anon_vma_interval_tree_post_update_vma(): re-insert with the new key.</summary>
    protected void IntervalTreePostUpdateVma(Vma vma, string caller)
    {
        foreach (var avc in vma.Chain)
            IntervalTreeInsert(avc, avc.AnonVma, caller);
    }

    /// <summary>
    /// dup_anon_vma() (mm/vma.c): an unfaulted merge target absorbing a faulted range takes src's anon_vma
    /// and a copy of its chain (assign first, then clone).
    /// </summary>
    protected virtual int DupAnonVma(Vma dst, Vma src, ref Vma? dup)
    {
        const string fn = "dup_anon_vma";
        using var _ = Trace(fn, dst, src);
        if (src.AnonVma is not null && dst.AnonVma is null)
        {
            dst.AnonVma = src.AnonVma;
            int ret = AnonVmaClone(dst, src, VmaOperation.MergeUnfaulted);
            if (ret != 0)
                return ret;
            dup = dst;
        }
        return 0;
    }

    /// <summary>
    /// commit_merge() with vma_prepare() / vma_complete() (mm/vma.c): set the new ranges under the anon_vma
    /// lock with interval-tree pre/post updates, store the target, then remove the VMAs the merge deletes.
    /// </summary>
    protected virtual int CommitMerge(VmaMergeState vmg)
    {
        const string fn = "commit_merge";
        using var _ = Trace(fn, vmg);
        var vma = vmg.AdjustNextStart ? vmg.Middle! : vmg.Target!;
        var adjust = vmg.AdjustMiddleStart ? vmg.Middle : vmg.AdjustNextStart ? vmg.Next : null;
        var remove = new List<Vma>();
        if (vmg.RemoveMiddle) remove.Add(vmg.Middle!);
        if (vmg.RemoveNext) remove.Add(vmg.Next!);

        // init_multi_vma_prep()
        var vpAnonVma = vma.AnonVma;
        if (vpAnonVma is null && adjust is not null)
            vpAnonVma = adjust.AnonVma;
        WarnOn(vpAnonVma is not null && adjust?.AnonVma is not null && !ReferenceEquals(vpAnonVma, adjust.AnonVma),
            "init_multi_vma_prep", "VM_WARN_ON", $"{vma} and adjusted {adjust} have different anon_vmas");

        if (VmaIterPreallocFails())
            return ENOMEM;

        // vma_prepare()
        if (vpAnonVma is not null)
        {
            AnonVmaLockWrite(vpAnonVma, "vma_prepare");
            IntervalTreePreUpdateVma(vma, "vma_prepare");
            if (adjust is not null)
                IntervalTreePreUpdateVma(adjust, "vma_prepare");
        }

        vma.Start = vmg.Start;
        vma.End = vmg.End;
        vma.PgOff = vmg.PgOff;
        // vmg_adjust_set_range()
        if (vmg.AdjustMiddleStart)
        {
            var m = vmg.Middle!;
            m.PgOff += vmg.End - m.Start;
            m.Start = vmg.End;
        }
        else if (vmg.AdjustNextStart)
        {
            var n = vmg.Next!;
            n.PgOff -= n.Start - vmg.End;
            n.Start = vmg.End;
        }
        // vma_iter_store_overwrite(target): the removed VMAs leave the tree
        foreach (var r in remove)
            vmg.Mm.Remove(r);
        vmg.Mm.Relink();

        VmaComplete(vma, vpAnonVma, adjust, remove);
        return 0;
    }

    /// <summary>vma_complete() (mm/vma.c): post-update keys, unlock, then drop the removed VMAs and their links.</summary>
    protected virtual void VmaComplete(Vma vma, AnonVma? vpAnonVma, Vma? adjust, List<Vma> remove)
    {
        const string fn = "vma_complete";
        using var _ = Trace(fn, vma);
        if (vpAnonVma is not null)
        {
            IntervalTreePostUpdateVma(vma, fn);
            if (adjust is not null)
                IntervalTreePostUpdateVma(adjust, fn);
        }
        for (int i = 0; i < remove.Count; i++)
        {
            var r = remove[i];
            r.Attached = false;
            if (r.AnonVma is not null)
                RemoveMergedVmaLinks(vma, r);
            // checked for the last VMA removed (vp->remove2 is NULL by then)
            if (i == remove.Count - 1)
                WarnOn(vma.End < r.End, fn, "WARN_ON_ONCE", $"survivor {vma} ends before removed {r}");
            VmAreaFree(r, fn);
        }
    }

    /// <summary>can_merge_remove_vma(): anonymous VMAs have no vm_ops->close, so they can always be removed.</summary>
    protected static bool CanMergeRemoveVma(Vma vma) => true;

    /// <summary>
    /// vma_merge_existing_range() (mm/vma.c): after an attribute change of [start, end) inside vmg->middle,
    /// merge with prev, next or both; an unfaulted target imports the anon_vma with dup_anon_vma().
    /// </summary>
    protected virtual Vma? VmaMergeExistingRange(VmaMergeState vmg)
    {
        const string fn = "vma_merge_existing_range";
        using var _ = Trace(fn, vmg);
        var middle = vmg.Middle!;
        var prev = vmg.Prev;
        Vma? anonDup = null;
        long start = vmg.Start, end = vmg.End;
        bool leftSide = start == middle.Start;
        bool rightSide = end == middle.End;
        vmg.State = VmaMergeResult.NoMerge;

        if (!leftSide && !rightSide)
            return null;

        bool mergeLeft = leftSide && CanVmaMergeLeft(vmg);
        bool mergeRight = false;
        Vma? next = null;
        if (rightSide)
        {
            next = vmg.Next = vmg.Mm.Vmas.FirstOrDefault(v => v.Start >= middle.End);
            mergeRight = CanVmaMergeRight(vmg, mergeLeft);
        }
        if (!mergeLeft && !mergeRight)
            return null;

        bool mergeBoth = mergeLeft && mergeRight;
        vmg.RemoveMiddle = leftSide && rightSide;
        vmg.RemoveNext = mergeBoth;
        if (mergeRight)
            vmg.Target = next;
        if (mergeLeft)
            vmg.Target = prev;

        int err;
        if (mergeBoth)
        {
            Note("merge both: prev absorbs middle and next");
            vmg.Start = prev!.Start;
            vmg.End = next!.End;
            vmg.PgOff = prev.PgOff;
            err = DupAnonVma(prev, next.AnonVma is not null ? next : middle, ref anonDup);
        }
        else if (mergeLeft)
        {
            Note("merge left: prev grows over " + (vmg.RemoveMiddle ? "all of middle" : "part of middle"));
            vmg.Start = prev!.Start;
            vmg.PgOff = prev.PgOff;
            if (!vmg.RemoveMiddle)
                vmg.AdjustMiddleStart = true;
            err = DupAnonVma(prev, middle, ref anonDup);
        }
        else
        {
            long pglen = vmg.End - vmg.Start;
            if (vmg.RemoveMiddle)
            {
                Note("merge right: next grows down over all of middle");
                vmg.End = next!.End;
                vmg.PgOff = next.PgOff - pglen;
            }
            else
            {
                Note("merge right: middle shrinks, next grows down");
                vmg.AdjustNextStart = true;
                vmg.Start = middle.Start;
                vmg.End = start;
                vmg.PgOff = middle.PgOff;
            }
            err = DupAnonVma(next!, middle, ref anonDup);
        }
        if (err != 0)
            goto abort;

        if (CommitMerge(vmg) != 0)
        {
            if (anonDup is not null)
                UnlinkAnonVmas(anonDup);
            vmg.State = VmaMergeResult.ErrorNomem;
            return null;
        }
        vmg.State = VmaMergeResult.Success;
        return vmg.Target;

    abort:
        vmg.State = VmaMergeResult.ErrorNomem;
        return null;
    }

    /// <summary>
    /// vma_merge_new_range() (mm/vma.c): a new range [start, end) between prev and next; expand next down,
    /// prev up, or prev over the range and next (removing next), via vma_expand().
    /// </summary>
    protected virtual Vma? VmaMergeNewRange(VmaMergeState vmg)
    {
        const string fn = "vma_merge_new_range";
        using var _ = Trace(fn, vmg);
        var prev = vmg.Prev;
        var next = vmg.Next;
        long end = vmg.End;
        vmg.State = VmaMergeResult.NoMerge;
        if (prev is null && next is null)
            return null;

        bool canMergeLeft = CanVmaMergeLeft(vmg);
        bool canMergeRight = CanVmaMergeRight(vmg, canMergeLeft);
        if (canMergeRight)
        {
            vmg.End = next!.End;
            vmg.Middle = next;
            vmg.PgOff = next.PgOff - (end - vmg.Start);
        }
        if (canMergeLeft)
        {
            vmg.Start = prev!.Start;
            vmg.Middle = prev;
            vmg.PgOff = prev.PgOff;
            if (canMergeRight && !CanMergeRemoveVma(next!))
                vmg.End = end;
        }
        Note(canMergeLeft && canMergeRight ? "expand prev over the range and next" :
             canMergeLeft ? "expand prev" : canMergeRight ? "expand next down" : "no merge");

        if (vmg.Middle is not null && VmaExpand(vmg) == 0)
        {
            vmg.State = VmaMergeResult.Success;
            return vmg.Middle;
        }
        return null;
    }

    /// <summary>
    /// vma_expand() (mm/vma.c, before 61f67c230a5e): grow vmg->middle to [start, end); when that swallows next,
    /// next's anon_vma is duplicated into the target first.
    /// </summary>
    protected virtual int VmaExpand(VmaMergeState vmg)
    {
        const string fn = "vma_expand";
        using var _ = Trace(fn, vmg);
        Vma? anonDup = null;
        var target = vmg.Middle!;
        var next = vmg.Next;
        bool removeNext = false;
        if (next is not null && !ReferenceEquals(target, next) && vmg.End == next.End)
        {
            removeNext = true;
            int ret = DupAnonVma(target, next, ref anonDup);
            if (ret != 0)
                return ret;
        }
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

    /// <summary>
    /// vma_modify() (mm/vma.c, v6.12): try to merge the changed range; otherwise split off the parts of the
    /// VMA outside it. In v6.12 a merge that failed for lack of memory still falls back to splitting.
    /// </summary>
    protected virtual Vma? VmaModify(VmaMergeState vmg, out int error)
    {
        const string fn = "vma_modify";
        using var _ = Trace(fn, vmg);
        var vma = vmg.Middle!;
        long start = vmg.Start, end = vmg.End;
        error = 0;
        var merged = VmaMergeExistingRange(vmg);
        if (merged is not null)
            return merged;
        if (VmaModifyFailsOnMergeNomem && vmg.State == VmaMergeResult.ErrorNomem)
        {
            error = ENOMEM;
            return null;
        }
        if (vma.Start < start)
        {
            int err = SplitVma(vma, start, newBelow: true);
            if (err != 0) { error = err; return null; }
        }
        if (vma.End > end)
        {
            int err = SplitVma(vma, end, newBelow: false);
            if (err != 0) { error = err; return null; }
        }
        return vma;
    }

    /// <summary>v6.16+ vma_modify() returns -ENOMEM when the merge failed for lack of memory (vmg_nomem()).</summary>
    protected virtual bool VmaModifyFailsOnMergeNomem => false;

    /// <summary>vma_modify_flags() (mm/vma.c): the entry used by mprotect and madvise.</summary>
    protected Vma? VmaModifyFlags(Mm mm, Vma? prev, Vma vma, long start, long end, Prot prot, VmaFlags flags, out int error)
    {
        using var _ = Trace("vma_modify_flags", vma, start, end, ProtText.Format(prot), flags);
        var vmg = new VmaMergeState
        {
            Mm = mm,
            Prev = prev,
            Middle = vma,
            Start = start,
            End = end,
            PgOff = vma.PgOff + (start - vma.Start),
            Prot = prot,
            Flags = flags,
            AnonVma = vma.AnonVma,
        };
        return VmaModify(vmg, out error);
    }

    /// <summary>split_vma() (mm/vma.c): the map-count check is not modelled (the VMA bound replaces it).</summary>
    protected int SplitVma(Vma vma, long addr, bool newBelow) => SplitVmaCore(vma, addr, newBelow);

    /// <summary>
    /// __split_vma() (mm/vma.c, v6.12): duplicate the VMA, clone its anon_vma links into the new piece,
    /// then shrink the original under the anon_vma lock and store the new piece.
    /// </summary>
    protected virtual int SplitVmaCore(Vma vma, long addr, bool newBelow)
    {
        const string fn = "__split_vma";
        using var _ = Trace(fn, vma, addr, newBelow);
        WarnOn(vma.Start >= addr, fn, "WARN_ON", $"split address {addr} not above start of {vma}");
        WarnOn(vma.End <= addr, fn, "WARN_ON", $"split address {addr} not below end of {vma}");
        var @new = VmAreaDup(vma);
        if (@new is null)
            return ENOMEM;
        if (newBelow)
            @new.End = addr;
        else
        {
            @new.Start = addr;
            @new.PgOff += addr - vma.Start;
        }
        if (VmaIterPreallocFails())
        {
            VmAreaFree(@new, fn);
            return ENOMEM;
        }
        int err = AnonVmaClone(@new, vma, VmaOperation.Split);
        if (err != 0)
        {
            VmAreaFree(@new, fn);
            return err;
        }

        // vma_prepare(): lock and take vma out of its trees while its key changes
        var vpAnonVma = vma.AnonVma;
        if (vpAnonVma is not null)
        {
            AnonVmaLockWrite(vpAnonVma, "vma_prepare");
            IntervalTreePreUpdateVma(vma, "vma_prepare");
        }
        if (newBelow)
        {
            vma.PgOff += addr - @new.Start;
            vma.Start = addr;
        }
        else
            vma.End = addr;
        // vma_complete(): store the new piece, re-key vma
        vma.Mm!.Insert(@new);
        if (vpAnonVma is not null)
            IntervalTreePostUpdateVma(vma, "vma_complete");
        return 0;
    }

    /// <summary>
    /// copy_vma() (mm/vma.c, v6.12): the mremap destination. An unfaulted source gets pgoff = new address; try to
    /// merge the new range with its neighbours, else duplicate the VMA and clone its links.
    /// </summary>
    protected virtual Vma? CopyVma(ref Vma vmaRef, long addr, long len, long pgoff)
    {
        const string fn = "copy_vma";
        using var _ = Trace(fn, vmaRef, addr, len, pgoff);
        var vma = vmaRef;
        var mm = vma.Mm!;
        long vmaStart = vma.Start;
        bool faultedInAnonVma = true;
        if (vma.AnonVma is null)
        {
            pgoff = addr;
            faultedInAnonVma = false;
        }
        if (mm.Overlaps(addr, addr + len))
            return null;

        var vmg = new VmaMergeState
        {
            Mm = mm,
            Prev = mm.PrevOf(addr),
            Next = mm.NextFrom(addr + len),
            Start = addr,
            End = addr + len,
            PgOff = pgoff,
            Prot = vma.Prot,
            Flags = vma.Flags,
            AnonVma = vma.AnonVma,
        };
        var newVma = MergeCopiedRange(vmg, vma);
        if (newVma is not null)
        {
            if (vmaStart >= newVma.Start && vmaStart < newVma.End)
            {
                BugOn(faultedInAnonVma, fn, "VM_BUG_ON_VMA", $"faulted {vma} merged with itself at its destination {newVma}");
                vmaRef = vma = newVma;
            }
            return newVma;
        }

        newVma = VmAreaDup(vma);
        if (newVma is null)
            return null;
        newVma.Start = addr;
        newVma.End = addr + len;
        newVma.PgOff = pgoff;
        if (AnonVmaClone(newVma, vma, VmaOperation.Remap) != 0)
        {
            VmAreaFree(newVma, fn);
            return null;
        }
        // vma_link()
        if (VmaIterPreallocFails())
        {
            UnlinkAnonVmas(newVma);
            VmAreaFree(newVma, fn);
            return null;
        }
        mm.Insert(newVma);
        return newVma;
    }

    /// <summary>How copy_vma() merges the destination: vma_merge_new_range() before 61f67c230a5e.</summary>
    protected virtual Vma? MergeCopiedRange(VmaMergeState vmg, Vma source) => VmaMergeNewRange(vmg);
}
