using System.Text;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Traces;

/// A trace for humans: the initial state in full, then each step as the action with its
/// arguments followed by only what changed.
public static class TraceText
{
    public static string Render(Trace t)
    {
        var sb = new StringBuilder();
        if (t.Steps.Count > 0)
        {
            sb.Append("State 0 (initial):\n");
            foreach (var (name, value) in t.Steps[0].State) sb.Append("  ").Append(name).Append(" = ").Append(value.Show()).Append('\n');
        }
        for (int i = 1; i < t.Steps.Count; i++)
        {
            var step = t.Steps[i];
            sb.Append($"Step {i}: {step.Label?.Show() ?? "?"}\n");
            var before = t.Steps[i - 1].State;
            bool any = false;
            for (int v = 0; v < step.State.Count; v++)
                foreach (var line in ValueCodec.Diff(step.State[v].Name, before[v].Value, step.State[v].Value))
                {
                    sb.Append("  ").Append(line).Append('\n');
                    any = true;
                }
            if (!any) sb.Append("  (no change)\n");
        }
        if (t.FailingStep is { } f)
            sb.Append($"Step {t.Steps.Count}: {f.Show()}\n  -> {t.Violation.Message}\n");
        return sb.ToString();
    }
}
