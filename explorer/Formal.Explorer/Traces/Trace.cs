using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// The kinds of things that can go wrong in a model.
public enum ViolationKind { Invariant, Assertion, Deadlock, Error }

/// A property that failed: an invariant (with the failed conjunct), an assertion inside an
/// action, a deadlock, or a run-time error of the spec.
public sealed record Violation(ViolationKind Kind, string Property, string Message, SourceSpan? Span = null, int? Conjunct = null, string? ConjunctText = null)
{
    public string KindName => Kind switch
    {
        ViolationKind.Invariant => "invariant",
        ViolationKind.Assertion => "assertion",
        ViolationKind.Deadlock => "deadlock",
        _ => "error",
    };
}

/// One step of a trace: the action that led here (null for an initial state) and the state.
public sealed record TraceStep(StepLabel? Label, EquatableArray<(string Name, Value Value)> State);

/// The one trace type every engine returns: the states from an initial state, the step labels,
/// and the violation at the end. <see cref="FailingStep"/> is set when the violation happened
/// inside a step that produced no state (an assertion or run-time error in an action).
public sealed record Trace(string Spec, string File, string Config, EquatableArray<TraceStep> Steps, Violation Violation, StepLabel? FailingStep = null)
{
    /// Number of transitions: states minus one, plus the failing step if there is one.
    public int Length => Steps.Count - 1 + (FailingStep is null ? 0 : 1);
}
