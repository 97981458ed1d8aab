namespace Formal.Reference;

/// <summary>
/// Common shape of every kernel object in the model. Objects are never forgotten when the kernel
/// frees them: <see cref="Freed"/> is set instead, so a later access is observable as a use after free.
/// </summary>
public abstract class HeapObject
{
    /// <summary>Allocation serial number inside one heap; not canonical (see <see cref="CanonicalKey"/>).</summary>
    public int Id { get; internal set; }

    public bool Freed { get; internal set; }

    /// <summary>Scratch mark of <see cref="Heap.CollectGarbage"/> (meaningless outside it).</summary>
    internal bool Reached;

    /// <summary>Short kernel name of the object kind, used in messages ("vma", "anon_vma", ...).</summary>
    public abstract string KindName { get; }

    public override string ToString() => $"{KindName}#{Id}{(Freed ? "(freed)" : "")}";
}
