namespace Formal.Reference;

/// <summary>enum vma_merge_state.</summary>
public enum VmaMergeResult
{
    Start,
    NoMerge,
    Success,
    ErrorNomem,
}

/// <summary>
/// struct vma_merge_struct (mm/vma.h), with the 6.14+ field names (middle, target, __remove_*, __adjust_*):
/// the proposed range, its attributes, and the neighbours the merge may touch.
/// </summary>
public sealed class VmaMergeState
{
    public required Mm Mm { get; init; }
    public Vma? Prev { get; set; }
    public Vma? Middle { get; set; }
    public Vma? Next { get; set; }
    public Vma? Target { get; set; }

    /// <summary>The mremap() source (vma_merge_copied_range, 61f67c230a5e); NULL before that commit.</summary>
    public Vma? CopiedFrom { get; set; }

    public long Start { get; set; }
    public long End { get; set; }
    public long PgOff { get; set; }
    public Prot Prot { get; set; }
    public VmaFlags Flags { get; set; }

    /// <summary>vmg->anon_vma: the anon_vma of the range being merged (the modified VMA's, the mremap source's, or NULL).</summary>
    public AnonVma? AnonVma { get; set; }

    public bool RemoveMiddle { get; set; }
    public bool RemoveNext { get; set; }
    public bool AdjustMiddleStart { get; set; }
    public bool AdjustNextStart { get; set; }
    public VmaMergeResult State { get; set; } = VmaMergeResult.Start;

    public override string ToString() => $"vmg[{Start},{End}) pgoff {PgOff}";
}
