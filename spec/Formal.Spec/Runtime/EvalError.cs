using Formal.Spec.Diagnostics;

namespace Formal.Spec.Runtime;

/// A run-time error of the spec (value out of range, `.value` of none, index outside a map,
/// division by zero, sequence overflow): a property of the model, reported with a trace.
public sealed class EvalError(SourceSpan span, string message) : Exception(message)
{
    public SourceSpan Span { get; } = span;
}
