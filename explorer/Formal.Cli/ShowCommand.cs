using System.Text;
using System.Text.Json;
using Formal.Explorer.Scenarios;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;

namespace Formal.Cli;

/// `formal show TRACE`: converts a trace file to text, a scenario, ITF JSON, DOT or HTML.
public static class ShowCommand
{
    public static readonly string[] Formats = ["text", "scenario", "itf", "dot", "html"];

    public static readonly OptionSpec[] Options =
    [
        new("--format", true, "text (default), scenario, itf, dot or html", ValueName: "FORMAT"),
        new("-o", true, "write to FILE instead of stdout (atomically)", ValueName: "FILE"),
        new("--step", true, "dot: the state to draw (default: the last)", ValueName: "N"),
        new("--spec", true, "the spec file, when the one named in the trace is elsewhere", ValueName: "FILE"),
        new("--name", true, "scenario: the scenario's name", ValueName: "NAME"),
        new("--help", false, "show this help"),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help")) return Program.Help("formal show TRACE [options]", Options, stdout);
        if (a.Positional.Count != 1) throw new UsageException("show needs exactly one TRACE file (formal show TRACE)");
        var format = a.Get("--format") ?? "text";
        if (!Formats.Contains(format)) throw new UsageException($"--format must be one of {string.Join(", ", Formats)}, not '{format}'{Suggest.Hint(format, Formats)}");
        var output = a.Get("-o");

        var diags = new DiagnosticBag();
        var loaded = TraceFiles.Load(a.Positional[0], a.Get("--spec"), diags);
        if (loaded is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            return ExitCodes.BadInput;
        }
        var (trace, ir, specPath) = loaded.Value;
        int? step = a.Int("--step", 0, trace.Steps.Count - 1);
        string text = format switch
        {
            "text" => TraceText.Header(trace) + TraceText.Render(trace),
            "scenario" => ScenarioWriter.Write(trace, TraceFiles.RelativeTo(output, specPath), a.Get("--name")),
            "itf" => Itf(trace, ir),
            "dot" => Pictures.Dot(trace, step ?? trace.Steps.Count - 1),
            _ => Pictures.Html(trace, stderr),
        };
        if (output is null) stdout.Write(text);
        else AtomicFile.WriteText(output, text);
        return ExitCodes.Ok;
    }

    private static string Itf(Trace trace, Formal.Spec.Ir.SpecIr ir)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
            ItfJson.Write(w, trace, name => ir.Vars.FirstOrDefault(v => v.Name == name)?.Type);
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }
}
