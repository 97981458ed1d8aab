using System.Diagnostics;

namespace Formal.Spec.Smt.Engines;

/// The time left for the whole run (each solver check gets what remains of --timeout), and the
/// run's cancellation (Ctrl+C).
public sealed class Budget(TimeSpan? total, CancellationToken cancel = default)
{
    public CancellationToken Cancel => cancel;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    /// Null: no limit. Never below a millisecond (Z3 treats 0 as "no limit").
    public TimeSpan? Remaining => total is { } t ? TimeSpan.FromMilliseconds(Math.Max(1, (t - _clock.Elapsed).TotalMilliseconds)) : null;

    public bool Expired => total is { } t && _clock.Elapsed >= t;

    /// Why no check should start now, or null.
    public string? Stop => cancel.IsCancellationRequested ? "canceled" : Expired ? "timeout" : null;
}
