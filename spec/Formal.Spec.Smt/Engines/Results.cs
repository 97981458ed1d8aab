using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Solving;

namespace Formal.Spec.Smt.Engines;

/// One solver check: what was asked, at which depth (or k), about which action (when a query
/// is split per action), how long encoding and solving took.
public sealed record CheckTiming(string Query, int Depth, double EncodeSeconds, double SolveSeconds, SolveResult Result, string? Action = null);

public enum ProveVerdict
{
    /// k-induction proved every invariant and lemma for every reachable state (or BMC saw
    /// every reachable state: no path is longer than the bound).
    Proved,
    /// A reachable violation (with its path from an initial state).
    Violation,
    /// BMC only, and no violation up to the bound: not a proof.
    BoundReached,
    /// The induction step failed (a counterexample to induction) and BMC found no violation.
    NotInductive,
    /// The solver answered unknown (timeout, cancellation, incompleteness).
    Unknown,
    /// The spec uses something the encoding cannot handle (see the diagnostics).
    Unsupported,
}

/// A counterexample to induction: k states satisfying every invariant and lemma, linked by
/// steps, followed by a state (or a failing step) that breaks one; and what the reachability
/// search found (the pre-state is reachable at some depth, or not within the searched depth).
public sealed record CounterexampleToInduction(int K, ClaimedPath Path, int SearchedDepth, int? ReachableAt);

public sealed record ProveResult(
    ProveVerdict Verdict,
    int BmcDepth,
    int? ProvedK,
    ClaimedPath? Violation,
    CounterexampleToInduction? Cti,
    string? Reason,
    IReadOnlyList<CheckTiming> Checks,
    IReadOnlyList<Diagnostic> Diagnostics,
    string? SmtLib,
    double ElapsedSeconds);
