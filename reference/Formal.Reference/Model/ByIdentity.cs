namespace Formal.Reference;

/// <summary>
/// Identity comparison of the objects of one heap, hashed by their allocation serial (unique within a
/// heap): the default identity hash has to be created in each fresh object's header, which made it the
/// cost of every dictionary over a cloned heap.
/// </summary>
public sealed class ByIdentity<T> : IEqualityComparer<T> where T : HeapObject
{
    public static readonly ByIdentity<T> Instance = new();

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);

    public int GetHashCode(T obj) => obj.Id;
}
