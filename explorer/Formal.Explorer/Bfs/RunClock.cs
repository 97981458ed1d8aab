using System.Diagnostics;
using System.Globalization;

namespace Formal.Explorer.Bfs;

/// Elapsed time, progress reports and the two limits that stop a search early (--timeout,
/// --memory). Polled between batches of work, never per state.
internal sealed class RunClock(ExploreOptions options, Func<long>? nativeBytes = null)
{
    private readonly Stopwatch _sw = Stopwatch.StartNew();
    private TimeSpan _lastProgress;
    private long _memoryAtStop;

    public double Seconds => _sw.Elapsed.TotalSeconds;

    /// Set once a limit was reached.
    public string? Limit { get; private set; }

    public Func<BfsState, int, long, ExploreStats>? Snapshot { get; set; }

    /// Reports progress when due; true when a limit is reached (the search must stop).
    /// The largest managed heap seen at a poll (GC.GetTotalMemory, without collecting).
    public long PeakManagedBytes { get; private set; }

    /// <paramref name="reserve"/>: time the caller still needs after stopping (a parallel level
    /// numbers and checks what it expanded), taken off the time limit.
    public bool Poll(BfsState st, int depth, long queue, TimeSpan reserve = default)
    {
        if (Limit is not null) return true;
        long managed = GC.GetTotalMemory(false);
        if (managed > PeakManagedBytes) PeakManagedBytes = managed;
        var now = _sw.Elapsed;
        if (options.Progress is { } progress && Snapshot is { } snap && now - _lastProgress >= options.ProgressInterval)
        {
            _lastProgress = now;
            progress(snap(st, depth, queue));
        }
        if (options.TimeLimit is { } limit && now + reserve >= limit)
        {
            Limit = "time";
            return true;
        }
        if (options.MemoryBudget is { } budget)
        {
            // The seen set and the system's caches live outside the managed heap.
            long used = managed + st.Seen.Bytes + (nativeBytes?.Invoke() ?? 0);
            if (used >= budget)
            {
                _memoryAtStop = used;
                Limit = "memory";
                return true;
            }
        }
        return false;
    }

    /// Why the search stopped early, for the summary.
    public string Reason(int depth, long left) => Limit switch
    {
        "time" => $"stopped after {options.TimeLimit!.Value.TotalSeconds:0} s (--timeout) at depth {depth} with {left} states not expanded",
        _ => string.Create(CultureInfo.InvariantCulture,
            $"stopped at the memory budget ({ByteSize.Format(options.MemoryBudget ?? 0)}, --memory; {ByteSize.Format(_memoryAtStop)} in use) at depth {depth} with {left} states not expanded"),
    };
}
