namespace Formal.Reference;

/// <summary>
/// struct anon_vma. The counters are the union over eras; a rule set says which of them it maintains
/// (<see cref="CounterModel"/>). Counters are signed here so that an underflow stays visible.
/// </summary>
public sealed class AnonVma : HeapObject
{
    public override string KindName => "anon_vma";

    /// <summary>anon_vma->root: the oldest anon_vma of the hierarchy; a root points to itself.</summary>
    public AnonVma Root { get; internal set; } = null!;

    /// <summary>anon_vma->parent (v3.19+): the anon_vma of the parent VMA at the fork that created this one.</summary>
    public AnonVma Parent { get; internal set; } = null!;

    /// <summary>anon_vma->refcount.</summary>
    public int Refcount { get; internal set; }

    /// <summary>anon_vma->degree (v3.19 - v6.0).</summary>
    public long Degree { get; internal set; }

    /// <summary>anon_vma->num_children (v6.0-rc4+).</summary>
    public long NumChildren { get; internal set; }

    /// <summary>anon_vma->num_active_vmas (v6.0-rc4+).</summary>
    public long NumActiveVmas { get; internal set; }

    /// <summary>anon_vma->rb_root: the AVCs inserted in this anon_vma's interval tree (a set; order is not meaningful).</summary>
    public List<AnonVmaChain> Tree { get; } = new();

    public bool IsRoot => ReferenceEquals(Root, this);
}
