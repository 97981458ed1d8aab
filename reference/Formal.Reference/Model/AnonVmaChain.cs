namespace Formal.Reference;

/// <summary>struct anon_vma_chain: one (VMA, anon_vma) link, on the VMA's chain and in the anon_vma's tree.</summary>
public sealed class AnonVmaChain : HeapObject
{
    public override string KindName => "avc";

    public Vma Vma { get; internal set; } = null!;
    public AnonVma AnonVma { get; internal set; } = null!;

    /// <summary>True while the AVC is on <see cref="Vma"/>'s anon_vma_chain list (same_vma).</summary>
    public bool OnChain { get; internal set; }

    /// <summary>True while the AVC is inserted in <see cref="AnonVma"/>'s interval tree (rb).</summary>
    public bool InTree { get; internal set; }

    /// <summary>
    /// The interval-tree key computed at insertion ([vm_pgoff, vm_pgoff + pages - 1] of the VMA then), as
    /// CONFIG_DEBUG_VM_RB caches it. A walk searches by these keys; a VMA whose range changes without
    /// anon_vma_interval_tree_pre/post_update_vma leaves a stale key behind.
    /// </summary>
    public long CachedStart { get; internal set; }
    public long CachedLast { get; internal set; }
}
