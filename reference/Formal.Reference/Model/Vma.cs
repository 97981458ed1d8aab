namespace Formal.Reference;

/// <summary>
/// struct vm_area_struct, reduced to what the anonymous reverse mapping depends on.
/// Addresses and offsets are in pages; the range is half-open [Start, End).
/// </summary>
public sealed class Vma : HeapObject
{
    public override string KindName => "vma";

    /// <summary>vm_mm. Set for every VMA, including a fork copy that is not linked yet.</summary>
    public Mm? Mm { get; internal set; }

    public long Start { get; internal set; }
    public long End { get; internal set; }

    /// <summary>vm_pgoff: the page offset of <see cref="Start"/>; the interval-tree key is [PgOff, PgOff + Pages - 1].</summary>
    public long PgOff { get; internal set; }

    public Prot Prot { get; internal set; }
    public VmaFlags Flags { get; internal set; }

    /// <summary>vma->anon_vma: where new anonymous pages of this VMA get their mapping.</summary>
    public AnonVma? AnonVma { get; internal set; }

    /// <summary>vma->anon_vma_chain. Index 0 is the list head (list_add inserts there).</summary>
    public List<AnonVmaChain> Chain { get; } = new();

    /// <summary>
    /// vm_prev / vm_next of the linked-list era (until v6.1). Kept in step with the mm's order for linked VMAs;
    /// a struct copy (vm_area_dup) copies them, which is how a fork copy can still point into the parent's list.
    /// </summary>
    public Vma? VmPrev { get; internal set; }
    public Vma? VmNext { get; internal set; }

    /// <summary>True while the VMA is stored in its mm (the maple tree / list); vma_is_attached().</summary>
    public bool Attached { get; internal set; }

    public long Pages => End - Start;

    /// <summary>linear_page_index(): the page offset the page at <paramref name="addr"/> has in this VMA.</summary>
    public long LinearPageIndex(long addr) => PgOff + (addr - Start);

    public bool Contains(long addr) => addr >= Start && addr < End;

    public override string ToString() => $"vma#{Id}[{Start},{End})";
}
