using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// Expands one BFS level on several threads with exactly the outcome of
/// <see cref="SequentialLevel"/>. Three phases, separated by barriers:
/// 1. Workers claim chunks of the frontier in increasing order and expand them; a successor
///    whose fingerprint is not in the seen set becomes a candidate, filed under its chunk and
///    under the partition of the seen set it belongs to (shard mod workers).
/// 2. Worker p inserts its partition's candidates chunk by chunk, in generation order, so the
///    first insertion of a fingerprint is its smallest (parent, ordinal) key: exactly the
///    successor the sequential search would have made the new state. Only p writes those
///    shards, so no locks are needed.
/// 3. Each chunk's new states are merged by key and numbered from the chunk's first number (a
///    prefix sum): parents, ordinals and the next frontier come out as the sequential search
///    would produce them. The new states are checked against the invariants here.
/// A level in which anything is reported (assertion, run-time error, deadlock, invariant) is
/// rolled back and redone by the sequential expander, so the reported violation, its trace
/// and the counts at the stop are the sequential ones.
internal sealed class ParallelLevel : IDisposable
{
    private readonly BfsState _st;
    private readonly SequentialLevel _fallback;
    private readonly WorkerPool _pool;
    private readonly ChunkExpander[] _workers;
    private readonly List<ChunkOutput> _chunks = new();
    private readonly int _words;
    private readonly int[][] _cursors;
    private int[] _offsets = new int[1];
    private int _numberBase, _stateBase, _nextBase;
    private StateBuffer _next = null!;

    // How far ahead of the insertion the seen-set slots are prefetched (misses in flight).
    private const int Lookahead = 16;
    private readonly System.Diagnostics.Stopwatch _phase = new();
    private StateBuffer _frontier = null!;
    private RunClock _clock = null!;
    private int _depth;
    private int _chunkSize, _chunkCount, _claimed, _done;
    private volatile bool _stop, _event, _violation;
    // Seconds of phase 3 per second of phase 1 in the last level (the first level assumes 1/4).
    private double _numberPerExpand = 0.25;

    public ParallelLevel(BfsState st, ITransitionSystem ts, int workers, bool checkDeadlock, SequentialLevel fallback)
    {
        _st = st;
        _fallback = fallback;
        _words = ts.StateWords;
        _pool = new WorkerPool(workers);
        _workers = new ChunkExpander[workers];
        for (int w = 0; w < workers; w++) _workers[w] = new ChunkExpander(ts.NewGenerator(), st.Seen, workers, checkDeadlock, _words);
        _cursors = new int[workers][];
        for (int w = 0; w < workers; w++) _cursors[w] = new int[workers];
    }

    /// Wall-clock seconds spent in phases 1, 2 and 3 and in sequential redos (for `formal bench`).
    public double[] PhaseSeconds { get; } = new double[4];

    public long Bytes
    {
        get
        {
            long n = 0;
            foreach (var c in _chunks) n += c.Bytes;
            return n;
        }
    }

    public int Expand(StateBuffer current, int levelBase, int levelOfNew, StateBuffer next, RunClock clock, int depth)
    {
        int workers = _pool.Count;
        _frontier = current;
        _clock = clock;
        _depth = depth;
        // Enough chunks per worker to balance uneven parents, few enough to amortise claiming.
        _chunkSize = Math.Clamp(current.Count / (workers * 32), 1, 2048);
        _chunkCount = (current.Count + _chunkSize - 1) / _chunkSize;
        while (_chunks.Count < _chunkCount) _chunks.Add(new ChunkOutput(workers, _words));
        _claimed = 0;
        _stop = _event = _violation = false;
        double expandSeconds = PhaseSeconds[0], numberSeconds = PhaseSeconds[2];

        Timed(0, () => _pool.Run(ExpandChunks));
        if (_event) return Redo(current, levelBase, levelOfNew, next, clock, depth, inserted: false);
        _done = Math.Min(_claimed, _chunkCount);
        Timed(1, () => _pool.Run(InsertCandidates));
        int stateCount = _st.Parent.Count;
        Timed(2, () => Number(levelBase, next));
        if (_violation)
        {
            _st.Parent.Truncate(stateCount);
            _st.Ordinal.Truncate(stateCount);
            return Redo(current, levelBase, levelOfNew, next, clock, depth, inserted: true);
        }
        Commit();
        _numberPerExpand = (PhaseSeconds[2] - numberSeconds) / Math.Max(1e-3, PhaseSeconds[0] - expandSeconds);
        return _stop ? Math.Min(current.Count, _done * _chunkSize) : current.Count;
    }

    private void ExpandChunks(int w)
    {
        var ex = _workers[w];
        while (!_stop && !_event)
        {
            int c = Interlocked.Increment(ref _claimed) - 1;
            if (c >= _chunkCount) return;
            int from = c * _chunkSize;
            var output = _chunks[c];
            ex.Expand(_frontier, from, Math.Min(_frontier.Count, from + _chunkSize), output);
            if (output.Event) _event = true;
            // Only worker 0 (the caller's thread) reports progress and watches the limits. What
            // is expanded must still be numbered and checked (phase 3), which the time limit
            // has to leave room for: as long as phase 3 took per second of expansion last level.
            if (w == 0 && _clock.Poll(_st, _depth, _frontier.Count - from, TimeSpan.FromSeconds(_phase.Elapsed.TotalSeconds * _numberPerExpand))) _stop = true;
        }
    }

    private void InsertCandidates(int p)
    {
        var seen = _st.Seen;
        for (int c = 0; c < _done; c++)
        {
            var list = _chunks[c].Parts[p];
            int n = list.Count;
            for (int k = 0; k < Math.Min(n, Lookahead); k++) seen.Prefetch(list.Fp(k));
            for (int k = 0; k < n; k++)
            {
                if (k + Lookahead < n) seen.Prefetch(list.Fp(k + Lookahead));
                if (seen.Add(list.Fp(k))) list.AddWin(k);
            }
        }
    }

    /// Numbers the new states: chunk by chunk (prefix sums give each chunk its first number),
    /// merging the partitions' winners of a chunk by key, and checks them against the
    /// invariants; the chunks are claimed by whichever worker is free, so a worker that the
    /// machine's other load slows down holds the others up by one chunk at most.
    private void Number(int levelBase, StateBuffer next)
    {
        if (_offsets.Length < _done + 1) _offsets = new int[_done + 1];
        for (int c = 0; c < _done; c++)
        {
            int wins = 0;
            foreach (var part in _chunks[c].Parts) wins += part.WinCount;
            _offsets[c + 1] = _offsets[c] + wins;
        }
        int total = _offsets[_done];
        _numberBase = levelBase;
        _stateBase = _st.Parent.Reserve(total);
        _st.Ordinal.Reserve(total);
        _nextBase = next.Reserve(total);
        _next = next;
        _claimed = 0;
        _pool.Run(NumberChunks);
    }

    /// Adds the level's counts once it stands.
    private void Commit()
    {
        for (int c = 0; c < _done; c++)
        {
            var chunk = _chunks[c];
            _st.Generated += chunk.Generated;
            chunk.BoundHits.AddTo(_st.BoundHits);
        }
    }

    private void NumberChunks(int w)
    {
        var cursor = _cursors[w];
        var gen = _workers[w].Generator;
        while (true)
        {
            int c = Interlocked.Increment(ref _claimed) - 1;
            if (c >= _done) return;
            var parts = _chunks[c].Parts;
            Array.Clear(cursor);
            for (int at = _offsets[c]; at < _offsets[c + 1]; at++)
            {
                int best = -1;
                long bestKey = long.MaxValue;
                for (int p = 0; p < parts.Length; p++)
                {
                    var list = parts[p];
                    if (cursor[p] < list.WinCount && list.Key(list.Win(cursor[p])) < bestKey)
                    {
                        best = p;
                        bestKey = list.Key(list.Win(cursor[p]));
                    }
                }
                var from = parts[best];
                int k = from.Win(cursor[best]++);
                _st.Parent.Set(_stateBase + at, _numberBase + (int)(bestKey >> 32));
                _st.Ordinal.Set(_stateBase + at, (int)bestKey);
                from.State(k).CopyTo(_next.Slot(_nextBase + at));
                if (_violation) continue;
                try
                {
                    if (gen.CheckInvariants(from.State(k)) is not null) _violation = true;
                }
                catch (EvalError)
                {
                    _violation = true;
                }
            }
        }
    }

    /// Undoes this level's insertions and expands it again sequentially.
    private int Redo(StateBuffer current, int levelBase, int levelOfNew, StateBuffer next, RunClock clock, int depth, bool inserted)
    {
        if (inserted)
            for (int c = 0; c < _done; c++)
                foreach (var list in _chunks[c].Parts)
                    for (int k = 0; k < list.WinCount; k++) _st.Seen.Remove(list.Fp(list.Win(k)));
        next.Clear();
        int expanded = 0;
        Timed(3, () => expanded = _fallback.Expand(current, levelBase, levelOfNew, next, clock, depth));
        return expanded;
    }

    private void Timed(int phase, Action work)
    {
        _phase.Restart();
        work();
        PhaseSeconds[phase] += _phase.Elapsed.TotalSeconds;
    }

    public void Dispose() => _pool.Dispose();
}
