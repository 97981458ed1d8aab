namespace Formal.Explorer.Bfs;

/// The seen set: 64-bit fingerprints (0 = empty slot) in 64 shards chosen by the top six bits.
/// Each shard is an open-addressing table with linear probing whose size need not be a power of
/// two (the home slot is the high half of fingerprint x size), so it can grow by 1.5x at 80 %
/// load: the tables stay 53-80 % full, 10 to 15 bytes per stored state.
/// Sharding is what lets parallel BFS insert without locks: every shard has a single writer
/// (its owner, shard mod workers), and lookups only run while no shard is written.
public sealed class SeenSet
{
    public const int ShardBits = 6;
    public const int Shards = 1 << ShardBits;
    private const int MinShardSlots = 64;

    private readonly ulong[][] _tables = new ulong[Shards][];
    private readonly int[] _counts = new int[Shards];
    private readonly int[] _limits = new int[Shards];

    public SeenSet()
    {
        for (int s = 0; s < Shards; s++) Resize(s, MinShardSlots);
    }

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
            foreach (var t in _tables) n += (long)t.Length * sizeof(ulong);
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
        if (_counts[s] >= _limits[s]) Resize(s, _tables[s].Length + _tables[s].Length / 2);
        var t = _tables[s];
        int i = Home(fp, t.Length);
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
            if (++i == t.Length) i = 0;
        }
    }

    public bool Contains(ulong fp)
    {
        var t = _tables[ShardOf(fp)];
        int i = Home(fp, t.Length);
        while (true)
        {
            ulong cur = t[i];
            if (cur == fp) return true;
            if (cur == 0) return false;
            if (++i == t.Length) i = 0;
        }
    }

    /// Removes a fingerprint that is present (undoing a level that is then redone sequentially).
    /// Backward-shift deletion: entries after the hole move up unless that would put them
    /// before their home slot.
    public void Remove(ulong fp)
    {
        int s = ShardOf(fp);
        var t = _tables[s];
        int n = t.Length;
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
        foreach (var fp in _tables[shard])
            if (fp != 0) into[k++] = fp;
        return k;
    }

    public int ShardCount(int shard) => _counts[shard];

    private void Resize(int s, int slots)
    {
        var old = _tables[s];
        var t = new ulong[slots];
        if (old is not null)
            foreach (var fp in old)
            {
                if (fp == 0) continue;
                int i = Home(fp, slots);
                while (t[i] != 0)
                    if (++i == slots) i = 0;
                t[i] = fp;
            }
        _tables[s] = t;
        _limits[s] = (int)(slots * 0.8);
    }
}
