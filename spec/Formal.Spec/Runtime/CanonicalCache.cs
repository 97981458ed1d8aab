namespace Formal.Spec.Runtime;

/// Canonical fingerprints of generated states by the fingerprint of the state itself, shared by
/// the workers of one transition system: the same successor is generated again and again, by
/// either worker, and canonicalizing it once suffices. Lock-free: an entry holds the key XOR the
/// value next to the value, so a read torn by a concurrent write fails the check (or returns the
/// value that write stored) instead of pairing one key with another's value. Losing an entry
/// only costs a canonicalization; results never depend on the cache.
///
/// The table starts small (replays and shrinking make many short-lived systems) and doubles
/// whenever it has missed as often as it has entries, up to 2^22 entries (64 MiB). On anon_vma's
/// default configuration that leaves 1.0 million canonicalizations for 5.8 million successors
/// that are not stutters; growing only after four times as many misses, up to 2^20 entries per
/// worker, left 1.3 million (one worker) and took 10% longer.
internal sealed class CanonicalCache
{
    private const int MinBits = 14, MaxBits = 22;
    private ulong[] _table = new ulong[2 << MinBits];
    private long _misses;

    public bool TryGet(ulong fp, out ulong canonical)
    {
        var t = Volatile.Read(ref _table);
        int i = Index(fp, t);
        ulong check = Volatile.Read(ref t[i]), value = Volatile.Read(ref t[i + 1]);
        canonical = value;
        return (check ^ value) == fp && fp != 0;
    }

    public void Add(ulong fp, ulong canonical)
    {
        var t = Volatile.Read(ref _table);
        int i = Index(fp, t);
        Volatile.Write(ref t[i], fp ^ canonical);
        Volatile.Write(ref t[i + 1], canonical);
    }

    /// Reports misses in batches (a shared counter bumped on every miss would bounce its cache
    /// line between the workers); the table doubles when they reach its number of entries.
    public void Missed(int count)
    {
        var t = Volatile.Read(ref _table);
        if (Interlocked.Add(ref _misses, count) > t.Length / 2 && t.Length < (2 << MaxBits)
            && Interlocked.CompareExchange(ref _table, new ulong[t.Length * 2], t) == t)
            Interlocked.Exchange(ref _misses, 0);
    }

    // The top bits pick the entry (the low ones pick the seen set's bucket).
    private static int Index(ulong fp, ulong[] t) => (int)(fp >> (64 - System.Numerics.BitOperations.Log2((ulong)t.Length / 2))) * 2;
}
