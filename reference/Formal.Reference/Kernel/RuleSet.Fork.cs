namespace Formal.Reference;

// kernel/fork.c (mm/mmap.c from 2025): duplicating an mm at fork.
public abstract partial class RuleSet
{
    /// <summary>
    /// dup_mmap() (kernel/fork.c, v6.12, maple tree era): for each parent VMA in address order skip
    /// VM_DONTCOPY, duplicate it, give VM_WIPEONFORK copies a clean slate, anon_vma_fork() the others,
    /// store the copy and copy its page tables. On failure the partial child is torn down.
    /// </summary>
    protected virtual int DupMmap(Mm mm, Mm oldmm)
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
            if ((tmp.Flags & VmaFlags.WipeOnFork) != 0)
                tmp.AnonVma = null;
            else if (AnonVmaFork(tmp, mpnt, prev) != 0)
            {
                VmAreaFree(tmp, fn);
                return DupMmapFail(mm);
            }
            mm.Insert(tmp);
            if ((tmp.Flags & VmaFlags.WipeOnFork) == 0)
                CopyPageRange(tmp, mpnt);
            prev = tmp;
        }
        return 0;
    }

    /// <summary>The failure exit of dup_mmap(): the VMAs copied so far are torn down as by exit_mmap().</summary>
    protected int DupMmapFail(Mm mm)
    {
        Note("fork failed: tearing down the partial child mm");
        ExitMmap(mm);
        return ENOMEM;
    }

    /// <summary>
    /// copy_page_range() (mm/memory.c): nothing to copy for an anonymous VMA without anon_vma (vma_needs_copy);
    /// otherwise every present PTE is shared: mapcount + 1, both mappings lose exclusivity (write-protected).
    /// </summary>
    protected virtual void CopyPageRange(Vma dst, Vma src)
    {
        using var _ = Trace("copy_page_range", dst, src);
        if (src.AnonVma is null)
            return;
        var srcMm = src.Mm!;
        var dstMm = dst.Mm!;
        foreach (var (addr, page) in srcMm.Ptes.Where(kv => kv.Key >= src.Start && kv.Key < src.End).ToList())
        {
            Deref(page, "copy_present_pte", $"page at {srcMm}:{addr}");
            page.MapCount++;
            page.Exclusive = false;
            dstMm.Ptes[addr] = page;
        }
    }
}
