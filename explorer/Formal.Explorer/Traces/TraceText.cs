using System.Text;

namespace Formal.Explorer.Traces;

/// A trace for humans: the initial state in full, then each step as the action with its
/// arguments followed by only what changed (<see cref="StateDiff"/>).
public static class TraceText
{
    public static string Render(Trace t)
    {
        var sb = new StringBuilder();
        if (t.Steps.Count > 0)
        {
            var init = t.Steps[0].Label is { Choices.Count: > 0 } l ? " " + l.Show()["init ".Length..] : "";
            sb.Append("State 0 (initial").Append(init).Append("):\n");
            foreach (var (name, value) in t.Steps[0].State) sb.Append("  ").Append(name).Append(" = ").Append(value.Show()).Append('\n');
        }
        for (int i = 1; i < t.Steps.Count; i++)
        {
            var step = t.Steps[i];
            sb.Append($"Step {i}: {step.Label?.Show() ?? "?"}\n");
            var lines = StateDiff.Lines(t.Steps[i - 1].State, step.State);
            foreach (var line in lines) sb.Append("  ").Append(line).Append('\n');
            if (lines.Count == 0) sb.Append("  (no change)\n");
        }
        if (t.FailingStep is { } f)
            sb.Append($"Step {t.Steps.Count}: {f.Show()}\n  -> {t.Violation.Message}\n");
        return sb.ToString();
    }

    /// A header naming the spec, configuration and outcome, for `formal show`.
    public static string Header(Trace t)
    {
        var consts = t.Constants.Count == 0 ? "" : $", {string.Join(", ", t.Constants.Select(c => $"{c.Name}={c.Value}"))}";
        var config = t.Config.Length > 0 ? $"config {t.Config}{consts}" : consts.TrimStart(',', ' ');
        var outcome = t.IsViolation
            ? $"{t.Violation.Message} (after {t.Length} step{(t.Length == 1 ? "" : "s")})"
            : $"no violation ({t.Length} step{(t.Length == 1 ? "" : "s")})";
        return $"Trace of {t.Spec} ({t.File}{(config.Length > 0 ? ", " + config : "")})\n{outcome}\n";
    }
}
