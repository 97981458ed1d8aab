namespace Formal.Spec.Runtime;

/// Canonical fingerprints of generated states by the fingerprint of the state itself, shared by
/// the workers of one transition system: the same successor is generated again and again, by
/// either worker, and canonicalizing it once suffices. Losing an entry only costs a
/// canonicalization; results never depend on the cache.
///
/// Layout: buckets of four entries in one 64-byte cache line, so a lookup costs one memory
/// access and an entry is only evicted when four others share its bucket. Lock-free: an entry
/// holds the key XOR the value next to the value, so a read torn by a concurrent write fails the
/// check (or returns the value that write stored) instead of pairing one key with another's
/// value. The table lives in native memory (<see cref="NativeTable"/>).
///
/// The table starts small (replays and shrinking make many short-lived systems) and grows 4x,
/// keeping its entries, whenever it has missed half as often as it has entries, up to 2^22
/// entries (64 MiB). A reader may still hold a replaced table, so replaced tables are freed only
/// with the cache (together at most a third of the last one).
/// On anon_vma's default configuration (476,235 distinct raw successors) the earlier direct-mapped
/// managed table, emptied on every doubling, canonicalized 1.0 million times.
internal sealed unsafe class CanonicalCache
{
    private const int EntryWords = 2, Ways = 4, BucketWords = EntryWords * Ways;
    private const int MinBucketBits = 10, MaxBucketBits = 20, GrowBits = 2;

    private sealed class Table(ulong* words, int bucketBits)
    {
        public readonly ulong* Words = words;
        public readonly int BucketBits = bucketBits;
        public long Entries => (long)Ways << BucketBits;
        public nuint Bytes => (nuint)BucketWords * sizeof(ulong) << BucketBits;
    }

    private long _bytes;
    private Table _table;
    private readonly List<Table> _replaced = [];
    private long _misses;
    private int _growing;

    public CanonicalCache() => _table = Allocate(MinBucketBits, ref _bytes);

    ~CanonicalCache()
    {
        foreach (var t in _replaced) Free(t);
        Free(_table);
    }

    /// The native memory this cache holds (counted against --memory).
    public long Bytes => Interlocked.Read(ref _bytes);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool TryGet(ulong fp, out ulong canonical)
    {
        var t = Volatile.Read(ref _table);
        ulong* b = Bucket(t, fp);
        for (int k = 0; k < BucketWords; k += EntryWords)
        {
            ulong value = b[k + 1];
            if ((b[k] ^ value) == fp && fp != 0)
            {
                canonical = value;
                return true;
            }
        }
        canonical = 0;
        return false;
    }

    /// Starts loading the fingerprint's bucket (a generator that defers its successors looks
    /// them up together, once the parent is expanded).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong fp)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0(Bucket(Volatile.Read(ref _table), fp));
    }

    public void Add(ulong fp, ulong canonical) => Insert(Volatile.Read(ref _table), fp, canonical);

    /// Reports misses in batches (a shared counter bumped on every miss would bounce its cache
    /// line between the workers); the table grows when they reach half its number of entries.
    public void Missed(int count)
    {
        var t = Volatile.Read(ref _table);
        if (Interlocked.Add(ref _misses, count) <= t.Entries / 2 || t.BucketBits >= MaxBucketBits) return;
        if (Interlocked.CompareExchange(ref _growing, 1, 0) != 0) return;
        if (ReferenceEquals(t, _table))
        {
            // Filled before it is published; entries the other workers add to the old table
            // meanwhile are lost, which costs only their recomputation.
            var bigger = Allocate(Math.Min(MaxBucketBits, t.BucketBits + GrowBits), ref _bytes);
            long words = (long)BucketWords << t.BucketBits;
            for (long k = 0; k < words; k += EntryWords)
            {
                ulong check = t.Words[k], value = t.Words[k + 1];
                if ((check | value) != 0) Insert(bigger, check ^ value, value);
            }
            lock (_replaced) _replaced.Add(t);
            Volatile.Write(ref _table, bigger);
            Interlocked.Exchange(ref _misses, 0);
        }
        Volatile.Write(ref _growing, 0);
    }

    // The top bits pick the bucket (the low ones pick the seen set's bucket).
    private static ulong* Bucket(Table t, ulong fp) => t.Words + ((fp >> (64 - t.BucketBits)) * BucketWords);

    private static void Insert(Table t, ulong fp, ulong canonical)
    {
        ulong* b = Bucket(t, fp);
        int way = (int)(fp & (Ways - 1));
        for (int k = 0; k < Ways; k++)
        {
            ulong check = b[k * EntryWords], value = b[k * EntryWords + 1];
            if ((check | value) == 0)
            {
                way = k;
                break;
            }
            if ((check ^ value) == fp) return;
        }
        b[way * EntryWords] = fp ^ canonical;
        b[way * EntryWords + 1] = canonical;
    }

    private static Table Allocate(int bucketBits, ref long total)
    {
        nuint bytes = (nuint)BucketWords * sizeof(ulong) << bucketBits;
        var p = NativeTable.Allocate(bytes);
        Interlocked.Add(ref total, (long)bytes);
        return new Table(p, bucketBits);
    }

    private static void Free(Table t) => NativeTable.Free(t.Words);
}
