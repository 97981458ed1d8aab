using Formal.Explorer.Traces;

namespace Formal.Explorer.Pictures;

/// The picture of state <c>step</c> of a trace, with what the step changed highlighted.
public static class TracePictures
{
    public static string Dot(Trace t, int step)
    {
        var state = t.Steps[step];
        var changed = step == 0 ? new HashSet<string>() : StateDiff.ChangedPaths(t.Steps[step - 1].State, state.State);
        var title = step == 0 ? $"{t.Spec}: state 0 (initial)" : $"{t.Spec}: state {step}, after {state.Label?.Show() ?? "?"}";
        return StatePictures.Render(new PictureInput(t.Spec, title, state.State, changed));
    }
}
