using Formal.Explorer.Scenarios;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;

namespace Formal.Cli;

/// `formal replay SCENARIO`: runs a scenario against its spec and compares with what it expects.
public static class ReplayCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--rule-set", true, "replay against a reference rule set (needs the reference model; not available yet)", Repeatable: true, ValueName: "NAME"),
        new("--trace", true, "write the replayed trace in the project's trace format", ValueName: "FILE"),
        new("--json", true, "write a machine-readable summary", ValueName: "FILE"),
        new("--quiet", false, "print only the result and the differences"),
        new("--help", false, "show this help"),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help")) return Program.Help("formal replay SCENARIO [options]", Options, stdout);
        if (a.Positional.Count != 1) throw new UsageException("replay needs exactly one SCENARIO file (formal replay SCENARIO)");
        if (a.All("--rule-set").Count > 0)
            throw new UsageException($"--rule-set {a.All("--rule-set")[0]}: replay against reference rule sets needs the reference model (formal refine), which does not exist yet; without --rule-set the scenario replays against its spec");

        var diags = new DiagnosticBag();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var outcome = Program.OnBigStack(() => ScenarioRunner.Run(a.Positional[0], diags));
        if (outcome is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            JsonSummary.Write(a.Get("--json"), "replay", a.Positional[0], null, null, null);
            return ExitCodes.BadInput;
        }
        var s = outcome.Scenario;
        var r = outcome.Replay;
        var t = r.Trace;
        if (!a.Has("--quiet"))
        {
            stdout.WriteLine($"Replaying {s.Name} ({s.File}) against {outcome.Ir.Name} ({s.ResolveSpecPath()}{(outcome.Ir.Config.Length > 0 ? $", config {outcome.Ir.Config}" : "")})");
            if (s.RuleSets.Count > 0) stdout.WriteLine($"  (rule sets {string.Join(", ", s.RuleSets)}: replay against the reference model is not available yet)");
            stdout.Write(TraceText.Render(t));
            stdout.WriteLine();
        }
        var observed = r.Stuck ? $"stuck at step {r.StuckAt}: {r.StuckReason}"
            : t.IsViolation ? $"{t.Violation.Message}, at step {t.Length}"
            : $"no violation after {r.StepsRun} step{(r.StepsRun == 1 ? "" : "s")}";
        stdout.WriteLine($"Observed: {observed}");
        stdout.WriteLine($"Expected: {s.Expect.Describe()}");
        foreach (var f in outcome.Final)
            stdout.WriteLine($"Final: {f.Text}: {(f.Holds is { } h ? (h ? "holds" : "does not hold") : $"error: {f.Problem}")}");
        if (a.Get("--trace") is { } tracePath) AtomicFile.WriteJson(tracePath, w => TraceJson.Write(w, t));
        JsonSummary.Write(a.Get("--json"), "replay", a.Positional[0], outcome.Ir, outcome.Behaves ? "ok" : "violation", t, w =>
        {
            w.WriteNumber("distinct_states", t.Steps.Select(x => x.State).Distinct().Count());
            w.WriteNumber("generated_states", t.Steps.Count);
            w.WriteNumber("depth", r.StepsRun);
            w.WriteNumber("elapsed_s", Math.Round(sw.Elapsed.TotalSeconds, 3));
            w.WriteBoolean("behaves", outcome.Behaves);
            w.WritePropertyName("mismatches");
            w.WriteStartArray();
            foreach (var m in outcome.Mismatches) w.WriteStringValue(m);
            w.WriteEndArray();
        });
        if (outcome.Behaves)
        {
            stdout.WriteLine("Result: the scenario behaves as it says.");
            return ExitCodes.Ok;
        }
        stdout.WriteLine("Result: the scenario does not behave as it says:");
        foreach (var m in outcome.Mismatches) stdout.WriteLine($"  - {m}");
        return ExitCodes.Violation;
    }
}
