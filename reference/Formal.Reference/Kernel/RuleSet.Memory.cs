namespace Formal.Reference;

// mm/memory.c: anonymous faults, copy on write and reuse.
public abstract partial class RuleSet
{
    /// <summary>
    /// do_anonymous_page() (mm/memory.c): anon_vma_prepare(), a new zeroed folio,
    /// folio_add_new_anon_rmap() and the PTE. -ENOMEM (VM_FAULT_OOM) if prepare fails.
    /// </summary>
    protected virtual int DoAnonymousPage(Mm mm, Vma vma, long addr)
    {
        using var _ = Trace("do_anonymous_page", vma, addr);
        if (AnonVmaPrepare(vma) != 0)
            return ENOMEM;
        var page = AllocPage();
        FolioAddNewAnonRmap(page, vma, addr);
        page.Exclusive = true;
        mm.Ptes[addr] = page;
        return 0;
    }

    /// <summary>
    /// do_wp_page() (mm/memory.c, v6.x): a write to a present, write-protected anonymous page reuses it when
    /// it is PageAnonExclusive or wp_can_reuse_anon_folio() says so, else copies it (wp_page_copy()).
    /// </summary>
    protected virtual int DoWpPage(Mm mm, Vma vma, long addr, Page page)
    {
        using var _ = Trace("do_wp_page", vma, addr, page);
        Deref(page, "do_wp_page", $"page at {mm}:{addr}");
        if (page.Exclusive || WpCanReuseAnonFolio(page, vma, addr))
        {
            page.Exclusive = true;
            return 0;
        }
        return WpPageCopy(mm, vma, addr, page);
    }

    /// <summary>
    /// wp_can_reuse_anon_folio() (mm/memory.c, v6.x): only the sole user of a page (refcount 1, which is
    /// mapcount 1 in the model) may reuse it; the page then moves to this VMA's anon_vma (folio_move_anon_rmap).
    /// </summary>
    protected virtual bool WpCanReuseAnonFolio(Page page, Vma vma, long addr)
    {
        using var _ = Trace("wp_can_reuse_anon_folio", page, vma);
        if (page.MapCount != 1)
            return false;
        FolioMoveAnonRmap(page, vma, addr);
        return true;
    }

    /// <summary>
    /// wp_page_copy() (mm/memory.c): anon_vma_prepare(), a new exclusive page in this VMA's anon_vma replaces
    /// the PTE, and the old page loses one mapping (freed when it was the last).
    /// </summary>
    protected virtual int WpPageCopy(Mm mm, Vma vma, long addr, Page old)
    {
        using var _ = Trace("wp_page_copy", vma, addr, old);
        if (AnonVmaPrepare(vma) != 0)
            return ENOMEM;
        var page = AllocPage();
        FolioAddNewAnonRmap(page, vma, addr);
        page.Exclusive = true;
        mm.Ptes[addr] = page;
        old.MapCount--;
        if (old.MapCount == 0)
            old.Freed = true;
        return 0;
    }
}
