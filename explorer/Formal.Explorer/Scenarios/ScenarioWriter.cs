using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Formal.Explorer.Replay;
using Formal.Explorer.Traces;

namespace Formal.Explorer.Scenarios;

/// Writes a trace as a scenario file that replays to the same outcome: the spec, its
/// configuration and every constant, the init choices, each step with its choices, and the
/// expected violation with its step.
public static class ScenarioWriter
{
    public static string Write(Trace t, string specPath, string? name = null, string origin = "formal show --format scenario")
    {
        var sb = new StringBuilder();
        sb.Append("# Written by `").Append(origin).Append("`; replay: formal replay FILE\n");
        sb.Append("scenario: ").Append(Quote(name ?? DefaultName(t))).Append('\n');
        sb.Append("spec: ").Append(Quote(specPath)).Append('\n');
        if (t.Config.Length > 0) sb.Append("config: ").Append(Quote(t.Config)).Append('\n');
        if (t.Constants.Count > 0)
            sb.Append("constants: { ").Append(string.Join(", ", t.Constants.Select(c => $"{c.Name}: {c.Value}"))).Append(" }\n");
        if (t.Steps.Count > 0 && t.Steps[0].Label is { Choices.Count: > 0 } init)
            sb.Append("init: ").Append(Quote(StepRequest.Of(init).Show()["init ".Length..])).Append('\n');
        // With no state at all the failing step is the init itself: there are no steps.
        var steps = t.Steps.Skip(1).Select(s => s.Label).Append(t.Steps.Count == 0 ? null : t.FailingStep).OfType<Formal.Spec.Runtime.StepLabel>().ToList();
        if (steps.Count == 0) sb.Append("steps: []\n");
        else
        {
            sb.Append("steps:\n");
            foreach (var l in steps) sb.Append("  - ").Append(Quote(StepRequest.Of(l).Show())).Append('\n');
        }
        sb.Append("expect:\n");
        var v = t.Violation;
        if (!t.IsViolation) sb.Append("  violation: none\n");
        else
        {
            sb.Append($"  violation: {{ kind: {v.KindName}, property: {QuoteFlow(v.Property)}, step: {t.Length}");
            if (v.Kind is ViolationKind.Assertion or ViolationKind.Error) sb.Append(", message: ").Append(QuoteFlow(v.Message));
            sb.Append(" }\n");
        }
        return sb.ToString();
    }

    public static string DefaultName(Trace t) => t.IsViolation ? $"{t.Spec}-{t.Violation.Property}" : $"{t.Spec}-path";

    /// Plain when YAML reads it back unchanged (block context); otherwise a double-quoted string.
    public static string Quote(string s)
    {
        bool plain = PlainText.IsMatch(s) && s is not ("true" or "false" or "null" or "none" or "~" or "yes" or "no");
        return plain ? s : JsonSerializer.Serialize(s, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// Inside a flow mapping (`{ kind: ..., property: ... }`) commas and brackets end a plain scalar.
    private static string QuoteFlow(string s) => s.Any(c => c is ',' or '(' or ')' or '[' or ']' or '{' or '}') ? JsonSerializer.Serialize(s) : Quote(s);

    private static readonly Regex PlainText = new(@"^[A-Za-z0-9_./][A-Za-z0-9_@()=, ./-]*(?<! )$", RegexOptions.CultureInvariant);
}
