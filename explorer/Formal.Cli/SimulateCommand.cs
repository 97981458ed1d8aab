using System.Globalization;
using Formal.Explorer.Replay;
using Formal.Explorer.Shrinking;
using Formal.Explorer.Simulation;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Cli;

/// `formal simulate SPEC`: seeded random walks; a failing walk is shrunk and reported.
public static class SimulateCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--config", true, "use the named configuration of the spec", ValueName: "NAME"),
        new("--const", true, "set a constant (overrides the configuration)", Repeatable: true, ValueName: "NAME=VALUE"),
        new("--runs", true, "number of walks (default 1000)", ValueName: "N"),
        new("--steps", true, "steps per walk (default 100)", ValueName: "N"),
        new("--seed", true, "seed of the first walk; walk i uses seed+i (default 0)", ValueName: "N"),
        new("--deadlock", false, "report states without successors (overrides the spec's option)"),
        new("--no-deadlock", false, "do not report deadlocks"),
        new("--no-shrink", false, "report the failing walk as found"),
        new("--max-shrink-tests", true, "replays the shrinker may use (default 20000)", ValueName: "N"),
        new("--json", true, "write a machine-readable summary", ValueName: "FILE"),
        new("--trace", true, "write the (shrunk) counterexample in the project's trace format", ValueName: "FILE"),
        new("--quiet", false, "print only the result line and errors"),
        new("--help", false, "show this help"),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help")) return Program.Help("formal simulate SPEC [options]", Options, stdout);
        if (a.Positional.Count != 1) throw new UsageException("simulate needs exactly one SPEC file (formal simulate SPEC)");
        var specPath = a.Positional[0];
        int runs = a.Int("--runs", 1, int.MaxValue) ?? 1000;
        int steps = a.Int("--steps", 0, int.MaxValue) ?? 100;
        ulong seed = 0;
        if (a.Get("--seed") is { } seedText && !ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
            throw new UsageException($"--seed expects a non-negative integer, not '{seedText}'");
        int maxTests = a.Int("--max-shrink-tests", 0, int.MaxValue) ?? 20_000;
        if (a.Has("--deadlock") && a.Has("--no-deadlock")) throw new UsageException("--deadlock and --no-deadlock contradict each other");
        bool? deadlock = a.Has("--deadlock") ? true : a.Has("--no-deadlock") ? false : null;

        var diags = new DiagnosticBag();
        var ir = SpecLoader.Load(specPath, a.Get("--config"), CheckCommand.ParseConsts(a.All("--const")), diags);
        if (ir is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            JsonSummary.Write(a.Get("--json"), "simulate", specPath, null, null, null);
            return ExitCodes.BadInput;
        }
        foreach (var d in diags.Sorted()) stderr.WriteLine(d.Render());
        bool quiet = a.Has("--quiet");
        var ts = new SpecTransitionSystem(ir);
        if (!quiet)
        {
            stdout.WriteLine($"Simulating {ir.Name} ({specPath}{(ir.Config.Length > 0 ? $", config {ir.Config}" : "")}): {runs:N0} walks of up to {steps:N0} steps, seed {seed}");
            if (ir.Constants.Count > 0) stdout.WriteLine($"  constants: {string.Join(", ", ir.Constants.Select(c => $"{c.Name}={c.Value}"))}");
        }
        var options = new SimulateOptions
        {
            Runs = runs, Steps = steps, Seed = seed, CheckDeadlock = deadlock,
            Progress = s => stderr.WriteLine($"progress: {s.Runs:N0} walks, {s.Steps:N0} steps, {s.StepsPerSecond:N0} steps/s, {s.ElapsedSeconds:F0} s"),
        };
        var result = Program.OnBigStack(() => new Simulator(ts, options).Run());
        var st = result.Stats;
        Trace? reported = result.Trace;
        if (result.Trace is { } found)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Error: {found.Violation.Message}");
            if (found.Violation.Span is { IsNone: false } span) stdout.WriteLine($"  at {span}");
            stdout.WriteLine($"Found in walk {result.FailingRun} after {found.Length} step{(found.Length == 1 ? "" : "s")}; reproduce this walk with --seed {result.RunSeed} --runs 1.");
            var shown = found;
            if (!a.Has("--no-shrink"))
            {
                var shrinkOptions = ConfigurationSpace.For(specPath, a.Get("--config"), new ShrinkOptions { MaxTests = maxTests });
                var (init, steps0) = TraceRequests.Of(found);
                var shrunk = Program.OnBigStack(() => new Shrinker(shrinkOptions).TryShrink(ir, init, steps0, found.Violation));
                if (shrunk is null) stdout.WriteLine("Not shrunk: replaying the walk's steps does not reproduce the violation. Counterexample:");
                else
                {
                    shown = shrunk.Trace;
                    var consts = shrunk.Ir.Constants.SequenceEqual(ir.Constants) ? "" : $", constants {string.Join(", ", shrunk.Ir.Constants.Select(c => $"{c.Name}={c.Value}"))}";
                    stdout.WriteLine($"Shrunk from {found.Length} to {shown.Length} step{(shown.Length == 1 ? "" : "s")}{consts} ({shrunk.Tests:N0} replays{(shrunk.BudgetReached ? "; budget reached, may not be minimal" : "; locally minimal")}):");
                }
            }
            else stdout.WriteLine("Counterexample:");
            stdout.Write(TraceText.Render(shown));
            if (a.Get("--trace") is { } tracePath) AtomicFile.WriteJson(tracePath, w => TraceJson.Write(w, shown));
            reported = shown;
        }
        if (!quiet)
        {
            stdout.WriteLine();
            foreach (var (pool, n) in result.BoundHits.OrderBy(p => p.Key, StringComparer.Ordinal))
                stdout.WriteLine($"Note: the pool {pool} was exhausted {n:N0} times (an alloc found no free object).");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{st.Runs:N0} walks, {st.Steps:N0} steps, {st.Generated:N0} states generated in {st.ElapsedSeconds:F2} s ({st.StepsPerSecond:N0} steps/s)."));
        }
        stdout.WriteLine(reported is null
            ? $"Result: no violation in {st.Runs:N0} walks (not a proof: simulation samples the state space)."
            : $"Result: violation of {reported.Violation.Property} ({reported.Violation.KindName}).");
        JsonSummary.Write(a.Get("--json"), "simulate", specPath, ir, reported is null ? "ok" : "violation", reported, w =>
        {
            w.WriteNumber("seed", seed);
            w.WriteNumber("runs", st.Runs);
            w.WriteNumber("steps", st.Steps);
            w.WriteNull("distinct_states"); // walks do not remove duplicates
            w.WriteNumber("generated_states", st.Generated);
            w.WriteNumber("depth", st.LongestWalk);
            w.WriteNumber("elapsed_s", Math.Round(st.ElapsedSeconds, 3));
            w.WriteNumber("steps_per_s", Math.Round(st.StepsPerSecond));
            if (result.FailingRun is { } run)
            {
                w.WriteNumber("failing_walk", run);
                w.WriteNumber("walk_seed", result.RunSeed!.Value);
                w.WriteNumber("found_length", result.Trace!.Length);
            }
        });
        return reported is null ? ExitCodes.Ok : ExitCodes.Violation;
    }
}
