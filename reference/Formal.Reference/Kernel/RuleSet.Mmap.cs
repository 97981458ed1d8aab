namespace Formal.Reference;

// mm/mmap.c and mm/vma.c: mapping, unmapping and process exit.
public abstract partial class RuleSet
{
    /// <summary>
    /// mmap_region() for a private anonymous mapping of a hole (mm/mmap.c, v6.12): try vma_merge_new_range()
    /// with the neighbours (vmg->anon_vma NULL, pgoff = address), else allocate and link a new VMA.
    /// </summary>
    protected virtual int MmapRegion(Mm mm, long start, long end, Prot prot)
    {
        const string fn = "mmap_region";
        using var _ = Trace(fn, mm, start, end, ProtText.Format(prot));
        var vmg = new VmaMergeState
        {
            Mm = mm,
            Prev = mm.PrevOf(start),
            Next = mm.NextFrom(end),
            Start = start,
            End = end,
            PgOff = start,
            Prot = prot,
            Flags = VmaFlags.None,
            AnonVma = null,
        };
        var merged = VmaMergeNewRange(vmg);
        if (merged is not null)
            return 0;

        var vma = VmAreaAllocObject();
        if (vma is null)
            return ENOMEM;
        vma.Mm = mm;
        vma.Start = start;
        vma.End = end;
        vma.PgOff = start;
        vma.Prot = prot;
        vma.Flags = VmaFlags.None;
        if (VmaIterPreallocFails())
        {
            VmAreaFree(vma, fn);
            return ENOMEM;
        }
        mm.Insert(vma);
        return 0;
    }

    /// <summary>
    /// do_vmi_align_munmap() with vms_gather_munmap_vmas() / vms_complete_munmap_vmas() (mm/vma.c, v6.12):
    /// split at the boundaries, detach the VMAs, zap their PTEs, free_pgtables() (unlink_anon_vmas), free them.
    /// </summary>
    protected virtual int DoVmiAlignMunmap(Mm mm, long start, long end)
    {
        const string fn = "do_vmi_align_munmap";
        using var _ = Trace(fn, mm, start, end);
        Vma? vma = null;
        foreach (var v in mm.Vmas)
            if (v.End > start && v.Start < end) { vma = v; break; }
        if (vma is null)
            return 0;

        // vms_gather_munmap_vmas()
        if (start > vma.Start)
        {
            int err = SplitVmaCore(vma, start, newBelow: true);
            if (err != 0)
                return err;
        }
        var detached = new List<Vma>();
        foreach (var next in mm.Vmas.Where(v => v.Start >= start && v.Start < end).ToList())
        {
            if (next.End > end)
            {
                int err = SplitVmaCore(next, end, newBelow: false);
                if (err != 0)
                    return err; // reattach_vmas(): the detached VMAs stay in the mm
            }
            detached.Add(next);
        }

        // vma_iter_clear_gfp() + vms_complete_munmap_vmas()
        foreach (var v in detached)
            mm.Remove(v);
        UnmapVmas(mm, detached);
        FreePgtables(detached);
        foreach (var v in detached)
            RemoveVma(v);
        return 0;
    }

    /// <summary>unmap_vmas() / zap_pte_range(): clear the PTEs of the VMAs; a page whose mapcount drops to 0 is freed.</summary>
    protected virtual void UnmapVmas(Mm mm, IEnumerable<Vma> vmas)
    {
        using var _ = Trace("unmap_vmas", mm);
        foreach (var v in vmas)
        {
            foreach (var addr in mm.Ptes.Keys.Where(a => a >= v.Start && a < v.End).ToList())
                ZapPte(mm, addr);
        }
    }

    /// <summary>zap_present_ptes() for one anonymous PTE: folio_remove_rmap_pte() and, on the last unmap, the folio is freed.</summary>
    protected void ZapPte(Mm mm, long addr)
    {
        var page = mm.Ptes[addr];
        mm.Ptes.Remove(addr);
        Deref(page, "zap_pte_range", $"page at {mm}:{addr}");
        page.MapCount--;
        if (page.MapCount == 0)
            page.Freed = true;
    }

    /// <summary>free_pgtables() (mm/memory.c): unlink_anon_vmas() for every VMA being removed, in address order.</summary>
    protected virtual void FreePgtables(IEnumerable<Vma> vmas)
    {
        using var _ = Trace("free_pgtables");
        foreach (var v in vmas)
            UnlinkAnonVmas(v);
    }

    /// <summary>remove_vma() (mm/vma.c): vm_area_free().</summary>
    protected void RemoveVma(Vma vma) => VmAreaFree(vma, "remove_vma");

    /// <summary>exit_mmap() (mm/mmap.c): unmap everything, free_pgtables() over all VMAs, free them.</summary>
    protected virtual void ExitMmap(Mm mm)
    {
        using var _ = Trace("exit_mmap", mm);
        var vmas = mm.Vmas.ToList();
        UnmapVmas(mm, vmas);
        FreePgtables(vmas);
        foreach (var v in vmas)
        {
            mm.Remove(v);
            RemoveVma(v);
        }
    }
}
