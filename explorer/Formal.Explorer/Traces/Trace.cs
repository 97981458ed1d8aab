using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// The kinds of things that can go wrong in a model. <see cref="None"/> marks a trace that ends
/// without a violation (a replayed scenario that behaves, a path asked for by a graph analysis).
/// <see cref="Kernel"/> and <see cref="Refinement"/> come from the refinement checker: a
/// memory-safety violation or kernel assertion in the reference model (property: its kind, e.g.
/// UseAfterFree), and a reference step the spec does not allow or a heap with no spec state.
public enum ViolationKind { Invariant, Assertion, Deadlock, Error, None, Kernel, Refinement }

/// A property that failed: an invariant (with the failed conjunct), an assertion inside an
/// action, a deadlock, or a run-time error of the spec.
public sealed record Violation(ViolationKind Kind, string Property, string Message, SourceSpan? Span = null, int? Conjunct = null, string? ConjunctText = null)
{
    public static readonly Violation NoViolation = new(ViolationKind.None, "none", "no violation");

    public string KindName => NameOf(Kind);

    public static string NameOf(ViolationKind kind) => kind switch
    {
        ViolationKind.Invariant => "invariant",
        ViolationKind.Assertion => "assertion",
        ViolationKind.Deadlock => "deadlock",
        ViolationKind.None => "none",
        ViolationKind.Kernel => "kernel",
        ViolationKind.Refinement => "refinement",
        _ => "error",
    };

    public static ViolationKind? Parse(string name) => name switch
    {
        "invariant" => ViolationKind.Invariant,
        "assertion" => ViolationKind.Assertion,
        "deadlock" => ViolationKind.Deadlock,
        "error" => ViolationKind.Error,
        "none" => ViolationKind.None,
        "kernel" => ViolationKind.Kernel,
        "refinement" => ViolationKind.Refinement,
        _ => null,
    };

    /// "Fails the same way" (replay, shrinking): the same kind and property, and for assertions
    /// and run-time errors the same place in the spec (their messages may carry values; the spec
    /// file may be named by another relative path).
    public bool SameAs(Violation other) =>
        Kind == other.Kind && Property == other.Property
        && (Kind is not (ViolationKind.Assertion or ViolationKind.Error) || Span is not { } a || other.Span is not { } b
            || a.Line == b.Line && a.Column == b.Column && Path.GetFileName(a.File) == Path.GetFileName(b.File));

    public string Describe() => Kind switch
    {
        ViolationKind.None => "no violation",
        ViolationKind.Deadlock => "deadlock",
        ViolationKind.Assertion or ViolationKind.Error when Span is { IsNone: false } s => $"{KindName} at {s.File}:{s.Line}:{s.Column}",
        _ => $"{Property} ({KindName})",
    };
}

/// One step of a trace: the action that led here and the state. The first step's label is null,
/// or the `init` label when the initial state came from choices. <see cref="Kernel"/> is the
/// reference model's view of the step in refinement traces (outcome, kernel functions called,
/// heap dump); null elsewhere.
public sealed record TraceStep(StepLabel? Label, EquatableArray<(string Name, Value Value)> State, string? Kernel = null);

/// The one trace type every engine returns: the states from an initial state, the step labels,
/// and the violation at the end. <see cref="FailingStep"/> is set when the violation happened
/// inside a step that produced no state (an assertion or run-time error in an action).
/// <see cref="Constants"/> are the values the spec was checked with, so the trace can be replayed.
public sealed record Trace(string Spec, string File, string Config, EquatableArray<TraceStep> Steps, Violation Violation, StepLabel? FailingStep = null,
    EquatableArray<(string Name, ConstValue Value)> Constants = default)
{
    /// Number of transitions: states minus one, plus the failing step if there is one.
    public int Length => Steps.Count - 1 + (FailingStep is null ? 0 : 1);

    public bool IsViolation => Violation.Kind != ViolationKind.None;
}
