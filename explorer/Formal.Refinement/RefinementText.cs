using System.Globalization;
using System.Text;
using Formal.Explorer.Traces;

namespace Formal.Refinement;

/// Refinement results for humans: a counterexample with the kernel-level and the spec-level
/// view of every step, and the verdict table of several rule sets.
public static class RefinementText
{
    public static string Counterexample(Trace t)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < t.Steps.Count; i++)
        {
            var step = t.Steps[i];
            sb.Append(i == 0 ? "State 0 (initial)" : $"Step {i}: {step.Label?.Show() ?? "?"}").Append('\n');
            if (step.Kernel is { } k)
            {
                sb.Append("  kernel view:\n");
                foreach (var line in k.Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.Append("    ").Append(line).Append('\n');
            }
            sb.Append("  spec view:").Append(i == 0 ? "\n" : " (what changed)\n");
            if (i == 0)
                foreach (var (name, value) in step.State) sb.Append("    ").Append(name).Append(" = ").Append(value.Show()).Append('\n');
            else
            {
                var lines = StateDiff.Lines(t.Steps[i - 1].State, step.State);
                foreach (var line in lines) sb.Append("    ").Append(line).Append('\n');
                if (lines.Count == 0) sb.Append("    (no change: a stutter)\n");
            }
        }
        if (t.FailingStep is { } f)
            sb.Append($"Step {t.Steps.Count}: {f.Show()}\n  -> the heap after it has no spec state\n");
        return sb.ToString();
    }

    /// One line per step: the operations of a counterexample.
    public static string Operations(Trace t)
    {
        var labels = t.Steps.Skip(1).Select(s => s.Label).Append(t.FailingStep).OfType<Formal.Spec.Runtime.StepLabel>();
        return string.Join("; ", labels.Select(l => l.Show()));
    }

    public static string Table(IReadOnlyList<RefinementResult> results)
    {
        var rows = new List<string[]> { new[] { "rule set", "kernel", "verdict", "first failing property", "trace", "states", "time" } };
        foreach (var r in results)
            rows.Add([
                r.RuleSet, r.Kernel, r.ResultName,
                r.Failure is { } f ? $"{f.Property} ({Violation.NameOf(f.Kind)})" : r.InconclusiveReason is { } why ? why : "-",
                r.Trace is { } t ? t.Length.ToString(CultureInfo.InvariantCulture) : "-",
                r.DistinctStates.ToString("N0", CultureInfo.InvariantCulture),
                r.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s",
            ]);
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        for (int i = 0; i < rows.Count; i++)
        {
            sb.Append(string.Join("  ", rows[i].Select((cell, c) => c == 4 || c == 5 || c == 6 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
            if (i == 0) sb.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        }
        return sb.ToString();
    }
}
