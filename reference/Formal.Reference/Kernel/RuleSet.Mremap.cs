namespace Formal.Reference;

// mm/mremap.c: moving a range to a new address.
public abstract partial class RuleSet
{
    /// <summary>
    /// move_vma() (mm/mremap.c, v6.12): copy_vma() the destination, move the PTEs (pages keep mapping and
    /// index), then unmap the old range, or with MREMAP_DONTUNMAP keep it and, when the whole old VMA moved,
    /// drop its links (1583aa278f5f).
    /// </summary>
    protected virtual int MoveVma(Vma vma, long oldAddr, long len, long newAddr, bool dontUnmap)
    {
        const string fn = "move_vma";
        using var _ = Trace(fn, vma, oldAddr, len, newAddr, dontUnmap);
        var mm = vma.Mm!;
        long newPgoff = vma.PgOff + (oldAddr - vma.Start);
        var vmaRef = vma;
        var newVma = CopyVma(ref vmaRef, newAddr, len, newPgoff);
        vma = vmaRef;
        if (newVma is null)
            return ENOMEM;

        MovePageTables(mm, oldAddr, newAddr, len);

        if (dontUnmap)
        {
            if (!ReferenceEquals(newVma, vma) && vma.Start == oldAddr && vma.End == oldAddr + len)
                UnlinkAnonVmas(vma);
            return 0;
        }
        // do_vmi_munmap() of the old range; an -ENOMEM here only fixes accounting in the kernel
        DoVmiAlignMunmap(mm, oldAddr, oldAddr + len);
        return 0;
    }

    /// <summary>move_page_tables() / move_ptes() (mm/mremap.c): PTEs move; the pages are untouched.</summary>
    protected virtual void MovePageTables(Mm mm, long oldAddr, long newAddr, long len)
    {
        using var _ = Trace("move_page_tables", mm, oldAddr, newAddr, len);
        foreach (var (addr, page) in mm.Ptes.Where(kv => kv.Key >= oldAddr && kv.Key < oldAddr + len).ToList())
        {
            mm.Ptes.Remove(addr);
            mm.Ptes[newAddr + (addr - oldAddr)] = page;
        }
    }
}
