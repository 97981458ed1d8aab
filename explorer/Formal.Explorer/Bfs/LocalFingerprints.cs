namespace Formal.Explorer.Bfs;

/// The fingerprints of the candidates one chunk has produced so far (a small open-addressing
/// set, emptied per chunk). A chunk generates in key order, so a repeat within the chunk has a
/// larger key than its first occurrence and can never be the new state: dropping it early
/// saves its copy and its insertion (siblings of one grandparent sit side by side in the
/// frontier, so diamonds mostly meet inside a chunk).
internal sealed class LocalFingerprints
{
    private ulong[] _table = new ulong[1 << 10];
    private int _count;

    public void Clear()
    {
        Array.Clear(_table);
        _count = 0;
    }

    /// True when the fingerprint was not in the set.
    public bool Add(ulong fp)
    {
        if (2 * (_count + 1) > _table.Length) Grow();
        int mask = _table.Length - 1;
        int i = (int)(fp >> 40) & mask;
        while (true)
        {
            ulong cur = _table[i];
            if (cur == 0)
            {
                _table[i] = fp;
                _count++;
                return true;
            }
            if (cur == fp) return false;
            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var old = _table;
        _table = new ulong[old.Length * 2];
        _count = 0;
        foreach (var fp in old)
            if (fp != 0) Add(fp);
    }
}
