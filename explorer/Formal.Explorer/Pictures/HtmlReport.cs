using System.Net;
using System.Text;
using Formal.Explorer.Traces;

namespace Formal.Explorer.Pictures;

/// A self-contained HTML page for a trace: per step the operation, the text diff, and the
/// picture of the state (inline SVG when a renderer is given and works, otherwise the DOT
/// source with the reason). No scripts, no external files.
public static class HtmlReport
{
    /// <param name="render">DOT -> SVG (e.g. <see cref="Graphviz.ToSvg"/>), or null to embed DOT only.</param>
    public static string Write(Trace t, Func<string, (string? Svg, string? Problem)>? render)
    {
        var sb = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E($"{t.Spec}: {(t.IsViolation ? t.Violation.Message : "trace")}")).Append("</title>\n");
        sb.Append("<style>\nbody{font-family:sans-serif;margin:1.5em;color:#222}\nh1{font-size:1.3em}h2{font-size:1.05em;margin:0 0 .4em 0}\n")
          .Append("section{border-top:1px solid #ccc;padding:.8em 0;display:flex;gap:1.5em;align-items:flex-start}\n")
          .Append(".text{min-width:22em;max-width:34em}pre{background:#f6f6f6;padding:.5em;overflow:auto;font-size:.85em}\n")
          .Append(".pic{overflow:auto;max-width:100%}.note{color:#a60}.violation{color:#b00;font-weight:bold}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>").Append(E(TraceText.Header(t).Split('\n')[0])).Append("</h1>\n");
        sb.Append("<p class=\"").Append(t.IsViolation ? "violation" : "").Append("\">").Append(E(t.IsViolation ? $"{t.Violation.Message} (after {t.Length} steps)" : $"no violation ({t.Length} steps)")).Append("</p>\n");
        string? firstProblem = null;
        for (int i = 0; i < t.Steps.Count; i++)
        {
            var step = t.Steps[i];
            var lines = i == 0
                ? step.State.Select(v => $"{v.Name} = {v.Value.Show()}").ToList()
                : StateDiff.Lines(t.Steps[i - 1].State, step.State);
            var heading = i == 0 ? "State 0 (initial)" : $"Step {i}: {step.Label?.Show() ?? "?"}";
            sb.Append("<section id=\"step").Append(i).Append("\">\n<div class=\"text\"><h2>").Append(E(heading)).Append("</h2>\n<pre>")
              .Append(E(lines.Count == 0 ? "(no change)" : string.Join("\n", lines))).Append("</pre>");
            if (i == t.Steps.Count - 1 && t.IsViolation && t.FailingStep is null)
                sb.Append("<p class=\"violation\">").Append(E(t.Violation.Message)).Append("</p>");
            sb.Append("</div>\n<div class=\"pic\">");
            var dot = TracePictures.Dot(t, i);
            var (svg, problem) = render is null ? (null, "pictures not rendered") : render(dot);
            if (svg is not null) sb.Append(svg);
            else
            {
                firstProblem ??= problem;
                sb.Append("<pre class=\"dot\">").Append(E(dot)).Append("</pre>");
            }
            sb.Append("</div>\n</section>\n");
        }
        if (t.FailingStep is { } f)
            sb.Append("<section id=\"step").Append(t.Steps.Count).Append("\"><div class=\"text\"><h2>").Append(E($"Step {t.Steps.Count}: {f.Show()}"))
              .Append("</h2><p class=\"violation\">").Append(E(t.Violation.Message)).Append("</p></div></section>\n");
        if (firstProblem is not null)
            sb.Append("<p class=\"note\">The pictures are given as DOT source: ").Append(E(firstProblem)).Append(".</p>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }
}
