using Formal.Explorer.Scenarios;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;

namespace Formal.Cli;

/// `formal replay SCENARIO`: runs a scenario against its spec and compares with what it expects.
public static class ReplayCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--rule-set", true, "replay on a reference rule set with the refinement checks, and compare with what the scenario expects of it (repeatable)", Repeatable: true, ValueName: "NAME"),
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
        if (a.All("--rule-set").Count > 0) return RunOnRuleSets(a, stdout, stderr);

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
            if (s.RuleSets.Count > 0) stdout.WriteLine($"  (meant for the rule sets {string.Join(", ", s.RuleSets)}: formal replay --rule-set NAME)");
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

    private static int RunOnRuleSets(ParsedArgs a, TextWriter stdout, TextWriter stderr)
    {
        var diags = new DiagnosticBag();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var scenario = ScenarioReader.Read(a.Positional[0], diags);
        var outcomes = new List<Formal.Refinement.RuleSetReplayOutcome>();
        if (scenario is not null)
            foreach (var name in a.All("--rule-set"))
                if (Program.OnBigStack(() => Formal.Refinement.RuleSetReplay.Run(scenario, name, diags)) is { } o) outcomes.Add(o);
        if (scenario is null || diags.HasErrors)
        {
            Program.PrintDiagnostics(diags, stderr);
            JsonSummary.Write(a.Get("--json"), "replay", a.Positional[0], null, null, null);
            return ExitCodes.BadInput;
        }
        bool quiet = a.Has("--quiet");
        foreach (var o in outcomes)
        {
            var t = o.Check.Trace;
            if (!quiet)
            {
                stdout.WriteLine($"Replaying {scenario.Name} ({scenario.File}) on rule set {o.RuleSet} ({o.Kernel})");
                stdout.Write(Formal.Refinement.RefinementText.Counterexample(t));
                stdout.WriteLine();
            }
            var observed = o.Check.Failure is not null ? $"{t.Violation.Message}, at step {o.Check.FailedAt}"
                : $"no violation after {o.Check.StepsRun} step{(o.Check.StepsRun == 1 ? "" : "s")}";
            stdout.WriteLine($"{o.RuleSet}: observed: {observed}");
            stdout.WriteLine($"{o.RuleSet}: expected: {o.Expect.Describe()}");
            foreach (var m in o.Mismatches) stdout.WriteLine($"  - {m}");
        }
        var first = outcomes[0].Check.Trace;
        if (a.Get("--trace") is { } tracePath) AtomicFile.WriteJson(tracePath, w => TraceJson.Write(w, first));
        bool behaves = outcomes.All(o => o.Behaves);
        JsonSummary.Write(a.Get("--json"), "replay", a.Positional[0], null, behaves ? "ok" : "violation", first, w =>
        {
            w.WriteNumber("distinct_states", first.Steps.Select(x => x.State).Distinct().Count());
            w.WriteNumber("generated_states", first.Steps.Count);
            w.WriteNumber("depth", outcomes[0].Check.StepsRun);
            w.WriteNumber("elapsed_s", Math.Round(sw.Elapsed.TotalSeconds, 3));
            w.WriteBoolean("behaves", behaves);
            w.WritePropertyName("rule_sets");
            w.WriteStartArray();
            foreach (var o in outcomes)
            {
                w.WriteStartObject();
                w.WriteString("rule_set", o.RuleSet);
                w.WriteString("kernel", o.Kernel);
                w.WriteString("result", o.Check.Failure is null ? "ok" : "violation");
                if (o.Check.Failure is { } f) w.WriteString("property", f.Property); else w.WriteNull("property");
                w.WriteBoolean("behaves", o.Behaves);
                w.WritePropertyName("mismatches");
                w.WriteStartArray();
                foreach (var m in o.Mismatches) w.WriteStringValue(m);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        stdout.WriteLine(behaves ? "Result: the scenario behaves as it says on every rule set." : "Result: the scenario does not behave as it says.");
        return behaves ? ExitCodes.Ok : ExitCodes.Violation;
    }
}
