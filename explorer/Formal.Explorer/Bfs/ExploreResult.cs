using Formal.Explorer.Traces;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

public enum Verdict { Ok, Violation, Inconclusive }

/// Counts as TLC reports them: states generated (every successor computed), distinct states,
/// depth (number of BFS levels: initial states are level 1), states left in the queue.
/// <paramref name="SeenSetBytes"/> is the fingerprint table alone; <see cref="TotalBytes"/> adds
/// parents, ordinals, the queues and the parallel engine's candidate buffers (at their peak).
public sealed record ExploreStats(long Generated, long Distinct, int Depth, long Queue, double ElapsedSeconds, long SeenSetBytes)
{
    public long TotalBytes { get; init; }
    public int Workers { get; init; } = 1;
    /// The largest managed heap sampled during the search (the seen set is outside it).
    public long PeakManagedBytes { get; init; }
    /// Native memory of the transition system (the canonical-fingerprint cache), also outside it.
    public long CacheBytes { get; init; }
    public Collision? Collision { get; init; }
    /// Parallel runs: seconds in expanding, inserting, numbering, and sequential redos of levels.
    public double[]? PhaseSeconds { get; init; }

    public double DistinctPerSecond => ElapsedSeconds > 0 ? Distinct / ElapsedSeconds : 0;
    public double GeneratedPerSecond => ElapsedSeconds > 0 ? Generated / ElapsedSeconds : 0;
    public double SeenBytesPerState => Distinct > 0 ? (double)SeenSetBytes / Distinct : 0;
    public double TotalBytesPerState => Distinct > 0 ? (double)TotalBytes / Distinct : 0;
}

public sealed record ExploreResult(
    Verdict Verdict,
    ExploreStats Stats,
    Trace? Trace,
    IReadOnlyDictionary<string, long> BoundHits,
    string? InconclusiveReason);

public sealed record ExploreOptions
{
    public int? MaxDepth { get; init; }
    /// Stop (inconclusive, with the statistics so far) after this long.
    public TimeSpan? TimeLimit { get; init; }
    /// Stop (inconclusive, with the statistics so far) once the managed heap, the seen set and
    /// the transition system's native caches hold this many bytes.
    public long? MemoryBudget { get; init; }
    public bool? CheckDeadlock { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);
    public Action<ExploreStats>? Progress { get; init; }
    /// Threads expanding each BFS level (1: the sequential engine). Results do not depend on it.
    public int Workers { get; init; } = 1;
    /// Estimate the fingerprint-collision probability at the end (sorts the fingerprints).
    public bool CollisionEstimate { get; init; } = true;

    /// Sees every transition (state graph recording); null on the normal hot path. Forces the
    /// sequential engine, which reports transitions in order.
    public IExplorationObserver? Observer { get; init; }
}

/// Receives every transition BFS generates, duplicates included. <paramref name="from"/> is the
/// parent's index (-1 for initial states), <paramref name="ordinal"/> the successor's number
/// among the parent's successors. Returning false stops the exploration (inconclusive, with
/// <see cref="StopReason"/>).
public interface IExplorationObserver
{
    bool OnTransition(IStateGenerator g, int from, int ordinal, ulong fingerprint, ReadOnlySpan<ulong> packed);
    string StopReason { get; }
}
