using Formal.Explorer.Traces;

namespace Formal.Refinement;

public enum RefinementVerdict { Ok, Violation, Inconclusive }

/// The outcome of checking one rule set: the verdict, the first failure with its shortest
/// reference trace (spec-level states, kernel view per step), and the statistics.
public sealed record RefinementResult(
    string RuleSet,
    string Kernel,
    RefinementVerdict Verdict,
    StepFailure? Failure,
    Trace? Trace,
    long DistinctStates,
    long Transitions,
    int Depth,
    double ElapsedSeconds,
    long BoundHits,
    long Stutters,
    string? InconclusiveReason)
{
    public string ResultName => Verdict switch
    {
        RefinementVerdict.Ok => "ok",
        RefinementVerdict.Violation => "violation",
        _ => "inconclusive",
    };

    /// Trace length in reference steps (0 when the initial heap fails or there is no trace).
    public int TraceLength => Trace?.Length ?? 0;
}

/// Limits and reporting of one run.
public sealed record RefinementOptions
{
    public int? MaxDepth { get; init; }
    public TimeSpan? TimeLimit { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);
    public Action<RefinementProgress>? Progress { get; init; }
}

public sealed record RefinementProgress(string RuleSet, int Depth, long Distinct, long Transitions, long Queue, double ElapsedSeconds);
