using Formal.Explorer.Replay;
using Formal.Explorer.Scenarios;
using Formal.Explorer.Shrinking;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;

namespace Formal.Cli;

/// `formal shrink FILE`: shrinks a failing scenario (.yaml) or trace file (.json) to a locally
/// minimal scenario that fails the same way.
public static class ShrinkCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("-o", true, "write the shrunk scenario to FILE (default: stdout)", ValueName: "FILE"),
        new("--trace", true, "write the shrunk trace in the project's trace format", ValueName: "FILE"),
        new("--spec", true, "trace files: the spec file, when the one named in the trace is elsewhere", ValueName: "FILE"),
        new("--max-tests", true, "replays the shrinker may use (default 20000)", ValueName: "N"),
        new("--no-smaller-config", false, "keep the constants as they are"),
        new("--name", true, "the shrunk scenario's name", ValueName: "NAME"),
        new("--help", false, "show this help"),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help")) return Program.Help("formal shrink SCENARIO.yaml|TRACE.json [options]", Options, stdout);
        if (a.Positional.Count != 1) throw new UsageException("shrink needs exactly one scenario or trace file");
        var input = a.Positional[0];
        int maxTests = a.Int("--max-tests", 1, int.MaxValue) ?? 20_000;
        var diags = new DiagnosticBag();
        var loaded = Program.OnBigStack(() => Load(input, a.Get("--spec"), diags));
        if (loaded is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            return ExitCodes.BadInput;
        }
        var (ir, specPath, init, steps, observed) = loaded.Value;
        if (!observed.IsViolation)
        {
            stderr.WriteLine($"formal: error: {input} does not fail ({observed.Length} steps, no violation): nothing to shrink");
            return ExitCodes.BadInput;
        }
        var options = new ShrinkOptions { MaxTests = maxTests };
        if (!a.Has("--no-smaller-config")) options = ConfigurationSpace.For(specPath, ir.Config.Length > 0 ? ir.Config : null, options);
        var result = Program.OnBigStack(() => new Shrinker(options).TryShrink(ir, init, steps, observed.Violation));
        if (result is null)
        {
            stderr.WriteLine($"formal: error: {input}: replaying its steps does not reproduce {observed.Violation.Describe()}; nothing to shrink");
            return ExitCodes.BadInput;
        }
        var output = a.Get("-o");
        var scenario = ScenarioWriter.Write(result.Trace, TraceFiles.RelativeTo(output, specPath), a.Get("--name"), "formal shrink");
        var summary = $"Shrunk {input} from {observed.Length} to {result.Trace.Length} step{(result.Trace.Length == 1 ? "" : "s")} " +
            $"({result.Tests:N0} replays; {(result.BudgetReached ? "budget reached, may not be minimal" : "locally minimal")}), still {result.Trace.Violation.Describe()}.";
        if (output is null)
        {
            stdout.Write(scenario);
            stderr.WriteLine(summary);
        }
        else
        {
            AtomicFile.WriteText(output, scenario);
            stdout.WriteLine(summary);
            stdout.Write(TraceText.Render(result.Trace));
        }
        if (a.Get("--trace") is { } tracePath) AtomicFile.WriteJson(tracePath, w => TraceJson.Write(w, result.Trace));
        return ExitCodes.Ok;
    }

    private static (SpecIr Ir, string SpecPath, StepRequest? Init, List<StepRequest> Steps, Trace Observed)? Load(string input, string? spec, DiagnosticBag diags)
    {
        if (input.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (TraceFiles.Load(input, spec, diags) is not { } t) return null;
            var trace = t.Trace;
            var (init, steps) = TraceRequests.Of(trace);
            var replay = new Replayer(new SpecTransitionSystem(t.Ir, evaluator: Evaluator.Closures), t.Ir.CheckDeadlock || trace.Violation.Kind == Explorer.Traces.ViolationKind.Deadlock).Run(init, steps);
            return (t.Ir, t.SpecPath, init, steps, replay.Stuck ? replay.Trace with { Violation = Violation.NoViolation } : replay.Trace);
        }
        if (ScenarioReader.Read(input, diags) is not { } s) return null;
        if (ScenarioRunner.LoadSpec(s, diags) is not { } ir) return null;
        if (ScenarioBinder.Bind(s, ir, diags) is not { } bound) return null;
        var r = new Replayer(new SpecTransitionSystem(ir, evaluator: Evaluator.Closures), ir.CheckDeadlock || s.Expect.Kind == Explorer.Traces.ViolationKind.Deadlock).Run(bound.Init, bound.Steps);
        return (ir, s.ResolveSpecPath(), bound.Init, bound.Steps, r.Stuck ? r.Trace with { Violation = Violation.NoViolation } : r.Trace);
    }
}
