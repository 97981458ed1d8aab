namespace Formal.Explorer.Bfs;

/// The seen set: open addressing over 64-bit fingerprints (0 = empty), linear probing, grows at
/// 3/4 load. 8 bytes per slot, so 8 to 16 bytes per stored state.
public sealed class FingerprintSet
{
    private ulong[] _table;
    private int _mask;

    public FingerprintSet(int initialCapacity = 1 << 16)
    {
        int cap = 1;
        while (cap < initialCapacity) cap <<= 1;
        _table = new ulong[cap];
        _mask = cap - 1;
    }

    public long Count { get; private set; }
    public long Capacity => _table.Length;
    public long Bytes => (long)_table.Length * sizeof(ulong);

    /// Adds the fingerprint; true when it was not there before.
    public bool Add(ulong fp)
    {
        if (Count * 4 >= (long)_table.Length * 3) Grow();
        var t = _table;
        int i = (int)(fp ^ (fp >> 29)) & _mask;
        while (true)
        {
            ulong cur = t[i];
            if (cur == 0)
            {
                t[i] = fp;
                Count++;
                return true;
            }
            if (cur == fp) return false;
            i = (i + 1) & _mask;
        }
    }

    public bool Contains(ulong fp)
    {
        int i = (int)(fp ^ (fp >> 29)) & _mask;
        while (true)
        {
            ulong cur = _table[i];
            if (cur == 0) return false;
            if (cur == fp) return true;
            i = (i + 1) & _mask;
        }
    }

    private void Grow()
    {
        var old = _table;
        _table = new ulong[old.Length * 2];
        _mask = _table.Length - 1;
        foreach (var fp in old)
        {
            if (fp == 0) continue;
            int i = (int)(fp ^ (fp >> 29)) & _mask;
            while (_table[i] != 0) i = (i + 1) & _mask;
            _table[i] = fp;
        }
    }
}
