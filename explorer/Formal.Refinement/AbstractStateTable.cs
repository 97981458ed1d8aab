namespace Formal.Refinement;

/// The distinct spec states the abstraction produced during one run, numbered in order of first
/// appearance, with their canonical fingerprints. Many reference heaps (differing in chain order,
/// pending injections, counters the spec derives...) share one spec state: whatever depends only on
/// the spec state (its invariants, its fingerprint, its spec steps) is computed once per entry.
public sealed class AbstractStateTable
{
    private readonly Dictionary<ulong[], int> _ids = new(PackedComparer.Instance);
    private readonly List<ulong[]> _packed = new();
    private readonly List<ulong> _fingerprints = new();

    public int Count => _packed.Count;

    public ulong[] Packed(int id) => _packed[id];

    public ulong Fingerprint(int id) => _fingerprints[id];

    /// The id of the state, and whether it is new; a new state gets its fingerprint from <paramref name="fingerprint"/>.
    public (int Id, bool Added) Intern(ulong[] packed, Func<ulong[], ulong> fingerprint)
    {
        if (_ids.TryGetValue(packed, out int id)) return (id, false);
        id = _packed.Count;
        _ids.Add(packed, id);
        _packed.Add(packed);
        _fingerprints.Add(fingerprint(packed));
        return (id, true);
    }

    /// Content equality of packed states; the bucket hash is their fingerprint.
    private sealed class PackedComparer : IEqualityComparer<ulong[]>
    {
        public static readonly PackedComparer Instance = new();
        public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(ulong[] obj) => (int)Formal.Spec.Runtime.Fingerprint.Of(obj);
    }
}
