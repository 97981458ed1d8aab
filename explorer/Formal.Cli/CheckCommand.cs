using System.Globalization;
using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;

namespace Formal.Cli;

/// `formal check SPEC`: explicit-state breadth-first exploration.
public static class CheckCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--config", true, "use the named configuration of the spec", ValueName: "NAME"),
        new("--const", true, "set a constant (overrides the configuration)", Repeatable: true, ValueName: "NAME=VALUE"),
        new("--max-depth", true, "stop after this many BFS levels (result: inconclusive if states remain)", ValueName: "N"),
        new("--deadlock", false, "report states without successors (overrides the spec's option)"),
        new("--no-deadlock", false, "do not report deadlocks"),
        new("--workers", true, "worker threads (currently 1)", ValueName: "N"),
        new("--json", true, "write a machine-readable summary", ValueName: "FILE"),
        new("--trace", true, "write the counterexample in the project's trace format", ValueName: "FILE"),
        new("--quiet", false, "print only the result line and errors"),
        new("--help", false, "show this help"),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help"))
        {
            stdout.WriteLine("usage: formal check SPEC [options]\n");
            foreach (var o in Options)
                stdout.WriteLine($"  {(o.TakesValue ? $"{o.Name} {o.ValueName}" : o.Name),-26} {o.Help}");
            return ExitCodes.Ok;
        }
        if (a.Positional.Count != 1) throw new UsageException("check needs exactly one SPEC file (formal check SPEC)");
        var specPath = a.Positional[0];
        var maxDepth = a.Int("--max-depth", 1, int.MaxValue);
        a.Int("--workers", 1, 256);
        if (a.Has("--deadlock") && a.Has("--no-deadlock")) throw new UsageException("--deadlock and --no-deadlock contradict each other");
        var overrides = ParseConsts(a.All("--const"));

        var diags = new DiagnosticBag();
        var ir = SpecLoader.Load(specPath, a.Get("--config"), overrides, diags);
        if (ir is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            WriteJsonIfAsked(a, specPath, null, null);
            return ExitCodes.BadInput;
        }
        foreach (var d in diags.Sorted()) stderr.WriteLine(d.Render());

        bool quiet = a.Has("--quiet");
        var ts = new SpecTransitionSystem(ir);
        if (!quiet)
        {
            stdout.WriteLine($"Checking {ir.Name} ({specPath}{(ir.Config.Length > 0 ? $", config {ir.Config}" : "")})");
            if (ir.Constants.Count > 0)
                stdout.WriteLine($"  constants: {string.Join(", ", ir.Constants.Select(c => $"{c.Name}={c.Value}"))}");
            stdout.WriteLine($"  {ir.Vars.Count} variable{(ir.Vars.Count == 1 ? "" : "s")} ({ts.Compiled.Layout.TotalBits} bits per state), {ir.Actions.Count} action{(ir.Actions.Count == 1 ? "" : "s")}, {ir.Invariants.Count} invariant{(ir.Invariants.Count == 1 ? "" : "s")}{(ts.CheckDeadlock || a.Has("--deadlock") ? ", deadlock checked" : "")}");
        }

        var options = new ExploreOptions
        {
            MaxDepth = maxDepth,
            CheckDeadlock = a.Has("--deadlock") ? true : a.Has("--no-deadlock") ? false : null,
            ProgressInterval = TimeSpan.FromSeconds(2),
            Progress = s => stderr.WriteLine(
                $"progress: depth {s.Depth}, {s.Generated:N0} generated, {s.Distinct:N0} distinct, queue {s.Queue:N0}, {s.DistinctPerSecond:N0} distinct/s, {s.ElapsedSeconds:F0} s"),
        };
        var result = Program.OnBigStack(() => new BfsExplorer(ts, options).Run());
        var st = result.Stats;

        if (result.Trace is { } trace)
        {
            stdout.WriteLine();
            stdout.WriteLine($"Error: {trace.Violation.Message}");
            if (trace.Violation.Span is { IsNone: false } span) stdout.WriteLine($"  at {span}");
            stdout.WriteLine($"Shortest counterexample ({trace.Length} step{(trace.Length == 1 ? "" : "s")}):");
            stdout.Write(TraceText.Render(trace));
            if (a.Get("--trace") is { } tracePath) AtomicFile.WriteJson(tracePath, w => TraceJson.Write(w, trace));
        }
        if (!quiet)
        {
            stdout.WriteLine();
            foreach (var (pool, n) in result.BoundHits.OrderBy(p => p.Key, StringComparer.Ordinal))
                stdout.WriteLine($"Note: the pool {pool} was exhausted {n:N0} time{(n == 1 ? "" : "s")} (an alloc found no free object); behaviours needing more objects are outside this configuration.");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{st.Generated:N0} states generated, {st.Distinct:N0} distinct states, depth {st.Depth}, {st.Queue:N0} states left on queue."));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Finished in {st.ElapsedSeconds:F2} s ({st.DistinctPerSecond:N0} distinct states/s, {st.GeneratedPerSecond:N0} generated/s)."));
        }
        string verdict = result.Verdict switch
        {
            Verdict.Ok => "Result: all invariants hold" + (ir.Invariants.Count == 0 ? " (the spec has none)" : "") + ".",
            Verdict.Violation => $"Result: violation of {result.Trace!.Violation.Property} ({result.Trace.Violation.KindName}).",
            _ => $"Result: inconclusive: {result.InconclusiveReason}.",
        };
        stdout.WriteLine(verdict);
        WriteJsonIfAsked(a, specPath, ir, result);
        return result.Verdict switch
        {
            Verdict.Ok => ExitCodes.Ok,
            Verdict.Violation => ExitCodes.Violation,
            _ => ExitCodes.Inconclusive,
        };
    }

    public static List<ConstOverride> ParseConsts(IEnumerable<string> items)
    {
        var list = new List<ConstOverride>();
        foreach (var item in items)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0) throw new UsageException($"--const expects NAME=VALUE, not '{item}'");
            var name = item[..eq];
            var text = item[(eq + 1)..];
            ConstValue value;
            if (text is "true" or "false") value = ConstValue.OfBool(text == "true");
            else if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) value = ConstValue.OfInt(v);
            else throw new UsageException($"--const {name}: '{text}' is not an integer or boolean");
            list.Add(new ConstOverride(name, value, new SourceSpan(Checker.CommandLine, 0, 0)));
        }
        return list;
    }

    private static void WriteJsonIfAsked(ParsedArgs a, string specPath, SpecIr? ir, ExploreResult? result)
    {
        if (a.Get("--json") is not { } path) return;
        AtomicFile.WriteJson(path, w =>
        {
            w.WriteStartObject();
            w.WriteString("command", "check");
            w.WriteString("spec", specPath);
            w.WriteString("config", ir?.Config ?? a.Get("--config") ?? "");
            w.WriteString("result", result is null ? "error" : result.Verdict switch
            {
                Verdict.Ok => "ok",
                Verdict.Violation => "violation",
                _ => "inconclusive",
            });
            if (ir is not null)
            {
                w.WritePropertyName("constants");
                w.WriteStartObject();
                foreach (var (n, v) in ir.Constants)
                    if (v.IsBool) w.WriteBoolean(n, v.Int != 0); else w.WriteNumber(n, v.Int);
                w.WriteEndObject();
            }
            if (result is not null)
            {
                var s = result.Stats;
                w.WriteNumber("distinct_states", s.Distinct);
                w.WriteNumber("generated_states", s.Generated);
                w.WriteNumber("depth", s.Depth);
                w.WriteNumber("queue", s.Queue);
                w.WriteNumber("elapsed_s", Math.Round(s.ElapsedSeconds, 3));
                w.WriteNumber("distinct_per_s", Math.Round(s.DistinctPerSecond));
                w.WritePropertyName("bound_hits");
                w.WriteStartObject();
                foreach (var (pool, n) in result.BoundHits.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteNumber(pool, n);
                w.WriteEndObject();
                if (result.InconclusiveReason is { } r) w.WriteString("reason", r);
                if (result.Trace is { } t) TraceJson.WriteViolation(w, t);
                else w.WriteNull("violation");
            }
            w.WriteEndObject();
        });
    }
}
