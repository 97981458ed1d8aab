using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// The seen set: 64-bit fingerprints (0 = empty slot) in 8 shards chosen by the top three bits.
/// Each shard is an open-addressing table with linear probing whose size need not be a power of
/// two (the home slot is the high half of fingerprint x size), so it can grow by 1.5x at 80 %
/// load: the tables stay 53-80 % full, 10 to 15 bytes per stored state.
/// Sharding is what lets parallel BFS insert without locks: every shard has a single writer
/// (its owner, shard mod workers), and lookups only run while no shard is written.
/// The tables live in native memory on 2 MiB pages (<see cref="NativeTable"/>; on this
/// project's virtual machines 4 KiB pages made a lookup 2.5 times slower).
public sealed unsafe class SeenSet : IDisposable
{
    public const int ShardBits = 3;
    public const int Shards = 1 << ShardBits;
    private const int MinShardSlots = 64;

    private readonly ulong*[] _tables = new ulong*[Shards];
    private readonly int[] _lengths = new int[Shards];
    private readonly int[] _counts = new int[Shards];
    private readonly int[] _limits = new int[Shards];

    public SeenSet()
    {
        for (int s = 0; s < Shards; s++) Resize(s, MinShardSlots);
    }

    ~SeenSet() => Free();

    public long Count
    {
        get
        {
            long n = 0;
            foreach (var c in _counts) n += c;
            return n;
        }
    }

    public long Bytes
    {
        get
        {
            long n = 0;
            foreach (var l in _lengths) n += (long)l * sizeof(ulong);
            return n;
        }
    }

    public static int ShardOf(ulong fp) => (int)(fp >> (64 - ShardBits));

    private static int Home(ulong fp, int length) => (int)Math.BigMul(fp << ShardBits, (ulong)length, out _);

    /// Adds the fingerprint; true when it was not there before. Only the shard's owner may call
    /// this while other threads run <see cref="Contains"/> on other shards.
    public bool Add(ulong fp)
    {
        int s = ShardOf(fp);
        if (_counts[s] >= _limits[s]) Resize(s, _lengths[s] + _lengths[s] / 2);
        var t = _tables[s];
        int n = _lengths[s];
        int i = Home(fp, n);
        while (true)
        {
            ulong cur = t[i];
            if (cur == 0)
            {
                t[i] = fp;
                _counts[s]++;
                return true;
            }
            if (cur == fp) return false;
            if (++i == n) i = 0;
        }
    }

    /// Asks the CPU to start loading the fingerprint's home slot. The table is far larger than
    /// the caches, so a lookup is a cache miss; issuing the misses of the next few fingerprints
    /// before probing lets them overlap instead of queueing.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Prefetch(ulong fp)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        int s = ShardOf(fp);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(_tables[s] + Home(fp, _lengths[s]));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Contains(ulong fp)
    {
        int s = ShardOf(fp);
        var t = _tables[s];
        int n = _lengths[s];
        int i = Home(fp, n);
        while (true)
        {
            ulong cur = t[i];
            if (cur == fp) return true;
            if (cur == 0) return false;
            if (++i == n) i = 0;
        }
    }

    /// Removes a fingerprint that is present (undoing a level that is then redone sequentially).
    /// Backward-shift deletion: entries after the hole move up unless that would put them
    /// before their home slot.
    public void Remove(ulong fp)
    {
        int s = ShardOf(fp);
        var t = _tables[s];
        int n = _lengths[s];
        int i = Home(fp, n);
        while (t[i] != fp)
        {
            if (t[i] == 0) throw new InvalidOperationException("removing a fingerprint that is not in the seen set");
            if (++i == n) i = 0;
        }
        int j = i;
        while (true)
        {
            if (++j == n) j = 0;
            ulong x = t[j];
            if (x == 0) break;
            int h = Home(x, n);
            bool stays = i <= j ? h > i && h <= j : h > i || h <= j;
            if (stays) continue;
            t[i] = x;
            i = j;
        }
        t[i] = 0;
        _counts[s]--;
    }

    /// Every stored fingerprint of one shard, in table order (for the collision estimate).
    public int CopyShard(int shard, ulong[] into)
    {
        int k = 0;
        var t = _tables[shard];
        for (int i = 0; i < _lengths[shard]; i++)
            if (t[i] != 0) into[k++] = t[i];
        return k;
    }

    public int ShardCount(int shard) => _counts[shard];

    private void Resize(int s, int slots)
    {
        var old = _tables[s];
        int oldLength = _lengths[s];
        var t = Allocate(slots);
        for (int k = 0; k < oldLength; k++)
        {
            ulong fp = old[k];
            if (fp == 0) continue;
            int i = Home(fp, slots);
            while (t[i] != 0)
                if (++i == slots) i = 0;
            t[i] = fp;
        }
        if (old is not null) NativeTable.Free(old);
        _tables[s] = t;
        _lengths[s] = slots;
        _limits[s] = (int)(slots * 0.8);
    }

    private static ulong* Allocate(int slots) => NativeTable.Allocate((nuint)slots * sizeof(ulong));

    private void Free()
    {
        for (int s = 0; s < Shards; s++)
        {
            if (_tables[s] is null) continue;
            NativeTable.Free(_tables[s]);
            _tables[s] = null;
            _lengths[s] = 0;
            _counts[s] = 0;
        }
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }
}
