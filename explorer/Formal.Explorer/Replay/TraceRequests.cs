using Formal.Explorer.Traces;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Replay;

/// The operations of a trace, as replay requests: the init choices (if any) and every step
/// with its parameters and choices, the failing step included.
public static class TraceRequests
{
    public static (StepRequest? Init, List<StepRequest> Steps) Of(Trace t)
    {
        // A trace whose initial state could not be computed has no steps to replay.
        if (t.Steps.Count == 0) return (null, []);
        var init = t.Steps[0].Label is { } l0 ? StepRequest.Of(l0) : null;
        var steps = t.Steps.Skip(1).Select(s => s.Label).Append(t.FailingStep).OfType<StepLabel>().Select(l => StepRequest.Of(l)).ToList();
        return (init, steps);
    }
}
