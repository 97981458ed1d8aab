using Formal.Explorer.Traces;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// Breadth-first exploration from all initial states, level by level. The seen set holds
/// fingerprints; each distinct state keeps only its parent's index and its ordinal among the
/// parent's successors, so the shortest counterexample is rebuilt by replaying the path (as TLC
/// does). With several workers each level is expanded in parallel (<see cref="ParallelLevel"/>)
/// with the same outcome as the sequential expansion: same states, same numbering, same trace.
public sealed class BfsExplorer
{
    private readonly ITransitionSystem _ts;
    private readonly ExploreOptions _options;

    public BfsExplorer(ITransitionSystem ts, ExploreOptions? options = null)
    {
        _ts = ts;
        _options = options ?? new ExploreOptions();
    }

    public ExploreResult Run()
    {
        using var st = new BfsState();
        bool checkDeadlock = _options.CheckDeadlock ?? _ts.CheckDeadlock;
        int workers = _options.Observer is null ? Math.Max(1, _options.Workers) : 1;
        var seq = new SequentialLevel(st, _ts.NewGenerator(), checkDeadlock, _options.Observer);
        using var parallel = workers > 1 ? new ParallelLevel(st, _ts, workers, checkDeadlock, seq) : null;
        // The clock starts once the generators are made: making the first one compiles the
        // spec's symmetry code (start-up, not exploration). Compiling the spec leaves garbage
        // (expression trees): collected now, it counts neither against --memory nor in the peak
        // heap (anon_vma: 16 or 30 MB at the first sample, depending on whether compiling
        // happened to trigger a collection; the exploration itself holds about 15 MB).
        GC.Collect();
        var clock = new RunClock(_options, () => _ts.NativeBytes);
        var current = new StateBuffer(_ts.StateWords);
        var next = new StateBuffer(_ts.StateWords);
        ExploreStats Snapshot(BfsState s, int depth, long queue) =>
            new ExploreStats(s.Generated, s.Seen.Count, depth, queue, clock.Seconds, s.Seen.Bytes)
            {
                TotalBytes = s.Seen.Bytes + s.Parent.Bytes + s.Ordinal.Bytes + current.Bytes + next.Bytes + (parallel?.Bytes ?? 0),
                Workers = workers,
                PeakManagedBytes = Math.Max(clock.PeakManagedBytes, GC.GetTotalMemory(false)),
                CacheBytes = _ts.NativeBytes,
            };
        clock.Snapshot = Snapshot;

        seq.Initial(next);
        (current, next) = (next, current);
        int depth = current.Count > 0 ? 1 : 0;
        string? inconclusive = null;
        long left = -1;
        while (st.Violation is null && seq.Stop is null && current.Count > 0)
        {
            if (_options.MaxDepth is { } max && depth >= max)
            {
                inconclusive = $"stopped at depth {max} (--max-depth) with {current.Count} states not expanded";
                break;
            }
            int levelBase = st.Parent.Count - current.Count;
            int expanded = parallel is not null
                ? parallel.Expand(current, levelBase, depth + 1, next, clock, depth)
                : seq.Expand(current, levelBase, depth + 1, next, clock, depth);
            if (st.Violation is not null || seq.Stop is not null) break;
            if (expanded < current.Count)
            {
                left = current.Count - expanded + next.Count;
                inconclusive = clock.Reason(depth, left);
                break;
            }
            (current, next) = (next, current);
            next.Clear();
            if (current.Count > 0) depth++;
        }

        double elapsed = clock.Seconds;
        var stats = Snapshot(st, Math.Max(depth, st.ViolationLevel), st.Violation is not null ? 0 : left >= 0 ? left : current.Count) with
        {
            ElapsedSeconds = elapsed,
            Collision = _options.CollisionEstimate ? Collision.Of(st.Seen, st.Generated) : null,
            PhaseSeconds = parallel?.PhaseSeconds,
        };
        if (st.Violation is not null)
        {
            var trace = TraceBuilder.Build(_ts, st.Parent, st.Ordinal, st.ViolatingState, st.Violation, st.ViolationInStep ? st.FailingStep : null);
            return new ExploreResult(Verdict.Violation, stats, trace, st.BoundHits.ToDictionary(), null);
        }
        inconclusive ??= seq.Stop;
        return new ExploreResult(inconclusive is null ? Verdict.Ok : Verdict.Inconclusive, stats, null, st.BoundHits.ToDictionary(), inconclusive);
    }
}
