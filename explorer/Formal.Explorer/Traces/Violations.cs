using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Traces;

/// The violation records every engine reports, worded once.
public static class Violations
{
    public static Violation Invariant(InvariantFailure f) =>
        new(ViolationKind.Invariant, f.Invariant,
            $"invariant {f.Invariant} is violated" + (f.Witness is null ? "" : $" for {f.Witness}") + $": {f.ConjunctText}",
            null, f.Conjunct, f.ConjunctText);

    public static Violation Error(EvalError e) => new(ViolationKind.Error, "error", e.Message, e.Span);

    public static Violation Assertion(string assertion, SourceSpan span) =>
        new(ViolationKind.Assertion, "assert", $"assertion failed: {assertion}", span);

    public static Violation Deadlock() => new(ViolationKind.Deadlock, "deadlock", "no action is enabled in this state");
}
