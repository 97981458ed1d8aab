namespace Formal.Explorer.Bfs;

/// Successors that one chunk of a level produced and that were not in the seen set when the
/// level began, in the order the chunk generated them (which is key order), for one partition
/// of the seen set. Key = parent's index in the level (high 32 bits) and successor ordinal.
/// <see cref="Win"/> lists the positions that turned out to be new states. Reused level after
/// level: arrays only grow.
internal sealed class Candidates(int words)
{
    private ulong[] _fp = new ulong[16];
    private long[] _key = new long[16];
    private int[] _win = new int[16];
    private ulong[] _states = new ulong[16 * Math.Max(1, words)];

    public int Count { get; private set; }
    public int WinCount { get; private set; }

    public long Bytes => (long)_fp.Length * (sizeof(ulong) + sizeof(long) + sizeof(int)) + (long)_states.Length * sizeof(ulong);

    public void Clear()
    {
        Count = 0;
        WinCount = 0;
    }

    public void Add(ulong fp, long key, ReadOnlySpan<ulong> state)
    {
        if (Count == _fp.Length) Grow();
        _fp[Count] = fp;
        _key[Count] = key;
        state.CopyTo(_states.AsSpan(Count * words, words));
        Count++;
    }

    public ulong Fp(int i) => _fp[i];
    public long Key(int i) => _key[i];
    public ReadOnlySpan<ulong> State(int i) => _states.AsSpan(i * words, words);

    public void AddWin(int i) => _win[WinCount++] = i;
    public int Win(int k) => _win[k];

    private void Grow()
    {
        int n = _fp.Length * 2;
        Array.Resize(ref _fp, n);
        Array.Resize(ref _key, n);
        Array.Resize(ref _win, n);
        Array.Resize(ref _states, n * Math.Max(1, words));
    }
}

/// What expanding one chunk of a level produced: candidates per partition, the number of
/// successors generated, pool exhaustion counts, and whether something happened (assertion,
/// run-time error, deadlock) that makes the level be redone sequentially.
internal sealed class ChunkOutput
{
    public ChunkOutput(int partitions, int words)
    {
        Parts = new Candidates[partitions];
        for (int p = 0; p < partitions; p++) Parts[p] = new Candidates(words);
    }

    public Candidates[] Parts { get; }
    public long Generated;
    public bool Event;
    public readonly PoolHits BoundHits = new();

    public long Bytes
    {
        get
        {
            long n = 0;
            foreach (var p in Parts) n += p.Bytes;
            return n;
        }
    }

    public void Reset()
    {
        foreach (var p in Parts) p.Clear();
        Generated = 0;
        Event = false;
        BoundHits.Clear();
    }
}
