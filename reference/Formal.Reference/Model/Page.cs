namespace Formal.Reference;

/// <summary>An order-0 anonymous folio: mapping, index, mapcount and PageAnonExclusive.</summary>
public sealed class Page : HeapObject
{
    public override string KindName => "page";

    /// <summary>folio->mapping (an anon_vma; KSM is not modelled). Kept after unmapping, as in the kernel.</summary>
    public AnonVma? Mapping { get; internal set; }

    /// <summary>folio->index: the linear page index assigned when the page was first mapped.</summary>
    public long Index { get; internal set; }

    /// <summary>Number of PTEs that map the page (the model has no other references, so this is also its refcount).</summary>
    public int MapCount { get; internal set; }

    /// <summary>PageAnonExclusive (v5.19+). Always false in rule sets of earlier eras.</summary>
    public bool Exclusive { get; internal set; }
}
