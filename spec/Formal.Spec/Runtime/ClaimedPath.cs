namespace Formal.Spec.Runtime;

/// How a claimed path goes wrong at its end: its last state breaks an invariant (or is a
/// deadlock), or its last step fails (a run-time error or an assertion) without a successor.
public enum ClaimedEnd { BadState, BadStep }

/// One step of a claimed path: the label of the step that led here (null for the first state)
/// and the packed state it produced (null for a failing last step).
public sealed record ClaimedStep(StepLabel? Label, ulong[]? State);

/// A path found by an engine that does not enumerate states itself (the SMT back end decodes
/// one from a model): from an initial state, or from an arbitrary state (a counterexample to
/// induction). Engines replay it through the transition system to build a checked trace, so
/// the evaluator, not the claimant, has the last word on every state and violation.
public sealed record ClaimedPath(bool FromInitial, IReadOnlyList<ClaimedStep> Steps, ClaimedEnd End)
{
    /// Number of transitions, counting a failing last step (a failing init has no steps: 0).
    public int Length => Steps.Count(s => s.Label is not null);
}
