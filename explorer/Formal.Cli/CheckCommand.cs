using System.Globalization;
using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Cli;

/// `formal check SPEC`: explicit-state breadth-first exploration.
public static class CheckCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--config", true, "use the named configuration of the spec", ValueName: "NAME"),
        new("--const", true, "set a constant (overrides the configuration)", Repeatable: true, ValueName: "NAME=VALUE"),
        new("--max-depth", true, "stop after this many BFS levels (result: inconclusive if states remain)", ValueName: "N"),
        new("--timeout", true, "stop after this many seconds (result: inconclusive, with the statistics so far)", ValueName: "SECONDS"),
        new("--deadlock", false, "report states without successors (overrides the spec's option)"),
        new("--no-deadlock", false, "do not report deadlocks"),
        new("--no-symmetry", false, "do not reduce by the symmetric pools"),
        new("--invariant", true, "check only this invariant or lemma (repeatable)", Repeatable: true, ValueName: "NAME"),
        new("--no-invariants", false, "check no invariants (assertions, errors and deadlocks still count)"),
        new("--workers", true, "threads expanding each BFS level (default: the number of cores; results do not depend on it)", ValueName: "N"),
        new("--memory", true, "stop cleanly (inconclusive) when the managed heap plus the seen set reach this size, e.g. 2G", ValueName: "SIZE"),
        new("--json", true, "write a machine-readable summary", ValueName: "FILE"),
        new("--trace", true, "write the counterexample in the project's trace format", ValueName: "FILE"),
        new("--quiet", false, "print only the result line and errors"),
        new("--help", false, "show this help"),
        .. GraphReport.Options,
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
        int workers = a.Int("--workers", 1, 256) ?? Environment.ProcessorCount;
        long? memory = a.Size("--memory");
        if (a.Has("--deadlock") && a.Has("--no-deadlock")) throw new UsageException("--deadlock and --no-deadlock contradict each other");
        var overrides = ParseConsts(a.All("--const"));

        bool graph = GraphReport.Wanted(a);
        int graphLimit = a.Int("--graph-limit", 1, 10_000_000) ?? 100_000;
        var diags = new DiagnosticBag();
        var ir = SpecQuery.Load(specPath, a.Get("--config"), overrides, GraphReport.Queries(a), diags);
        if (ir is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            WriteJsonIfAsked(a, specPath, null, null);
            return ExitCodes.BadInput;
        }
        foreach (var d in diags.Sorted()) stderr.WriteLine(d.Render());
        ir = SelectInvariants(ir, a);

        bool quiet = a.Has("--quiet");
        var ts = new SpecTransitionSystem(ir, a.Has("--no-symmetry") ? false : null);
        if (!quiet)
        {
            stdout.WriteLine($"Checking {ir.Name} ({specPath}{(ir.Config.Length > 0 ? $", config {ir.Config}" : "")})");
            if (ir.Constants.Count > 0)
                stdout.WriteLine($"  constants: {string.Join(", ", ir.Constants.Select(c => $"{c.Name}={c.Value}"))}");
            if (ts.SymmetricPools.Count > 0)
                stdout.WriteLine($"  symmetry reduction over {string.Join(", ", ts.SymmetricPools.Select(p => $"{p.Name} ({p.Size})"))}");
            stdout.WriteLine($"  {ir.Vars.Count} variable{(ir.Vars.Count == 1 ? "" : "s")} ({ts.Compiled.Layout.TotalBits} bits per state), {ir.Actions.Count} action{(ir.Actions.Count == 1 ? "" : "s")}, {ir.Invariants.Count} invariant{(ir.Invariants.Count == 1 ? "" : "s")}{(ts.CheckDeadlock || a.Has("--deadlock") ? ", deadlock checked" : "")}");
        }

        var options = new ExploreOptions
        {
            MaxDepth = maxDepth,
            TimeLimit = a.Int("--timeout", 1, int.MaxValue) is { } secs ? TimeSpan.FromSeconds(secs) : null,
            MemoryBudget = memory,
            Workers = workers,
            CheckDeadlock = a.Has("--deadlock") ? true : a.Has("--no-deadlock") ? false : null,
            ProgressInterval = TimeSpan.FromSeconds(2),
            Progress = quiet ? null : s => stderr.WriteLine(
                $"progress: depth {s.Depth}, {s.Generated:N0} generated, {s.Distinct:N0} distinct, queue {s.Queue:N0}, {s.DistinctPerSecond:N0} distinct/s, {s.ElapsedSeconds:F0} s"),
        };
        var recorder = graph ? new Formal.Explorer.Graph.StateGraphRecorder(ts.StateWords, graphLimit) : null;
        options = options with { Observer = recorder };
        var result = Program.OnBigStack(() => new BfsExplorer(ts, options).Run());
        if (recorder is { Exceeded: true })
        {
            stderr.WriteLine($"formal: error: {recorder.StopReason}; use a smaller configuration, or raise --graph-limit");
            return ExitCodes.BadInput;
        }
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
                $"Finished in {st.ElapsedSeconds:F2} s ({st.DistinctPerSecond:N0} distinct states/s, {st.GeneratedPerSecond:N0} generated/s, {st.Workers} worker{(st.Workers == 1 ? "" : "s")})."));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Memory: seen set {ByteSize.Format(st.SeenSetBytes)} ({st.SeenBytesPerState:F1} bytes/state), with parents and queues {ByteSize.Format(st.TotalBytes)} ({st.TotalBytesPerState:F1} bytes/state){(st.CacheBytes > 0 ? $"; canonical-form cache {ByteSize.Format(st.CacheBytes)}" : "")}."));
            if (Environment.GetEnvironmentVariable("FORMAL_PHASES") is not null && st.PhaseSeconds is { } ph)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Phases: expand {ph[0]:F2} s, insert {ph[1]:F2} s, number {ph[2]:F2} s, redo {ph[3]:F2} s."));
            if (st.Collision is { } col)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Fingerprint collision probability: calculated (optimistic) {col.Optimistic:0.0E+0}, based on the actual fingerprints {(col.Observed is { } o ? o.ToString("0.0E+0", CultureInfo.InvariantCulture) : "n/a")}."));
        }
        if (recorder is not null) Program.OnBigStack(() => { GraphReport.Print(a, ts, recorder.Result, result, stdout); return 0; });
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

    /// Keeps the invariants named with --invariant (all of them by default, none with --no-invariants).
    public static SpecIr SelectInvariants(SpecIr ir, ParsedArgs a)
    {
        var names = a.All("--invariant");
        if (a.Has("--no-invariants"))
        {
            if (names.Count > 0) throw new UsageException("--invariant and --no-invariants contradict each other");
            return ir with { Invariants = EquatableArray<InvariantIr>.From([]), Lemmas = EquatableArray<InvariantIr>.From([]) };
        }
        if (names.Count == 0) return ir;
        var known = ir.AllInvariants.Select(i => i.Name).ToList();
        foreach (var n in names)
            if (!known.Contains(n)) throw new UsageException($"--invariant {n}: the spec has no such invariant or lemma{Suggest.Hint(n, known)}");
        return ir with
        {
            Invariants = EquatableArray<InvariantIr>.From(ir.Invariants.Where(i => names.Contains(i.Name))),
            Lemmas = EquatableArray<InvariantIr>.From(ir.Lemmas.Where(i => names.Contains(i.Name))),
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
            JsonSummary.WriteConstants(w, ir);
            if (result is not null)
            {
                var s = result.Stats;
                w.WriteNumber("distinct_states", s.Distinct);
                w.WriteNumber("generated_states", s.Generated);
                w.WriteNumber("depth", s.Depth);
                w.WriteNumber("queue", s.Queue);
                w.WriteNumber("elapsed_s", Math.Round(s.ElapsedSeconds, 3));
                w.WriteNumber("distinct_per_s", Math.Round(s.DistinctPerSecond));
                w.WriteNumber("generated_per_s", Math.Round(s.GeneratedPerSecond));
                w.WriteNumber("workers", s.Workers);
                w.WriteNumber("seen_set_bytes", s.SeenSetBytes);
                w.WriteNumber("total_bytes", s.TotalBytes);
                // Whole-process figures for `formal bench` (the peak includes the runtime itself).
                using (var self = System.Diagnostics.Process.GetCurrentProcess())
                {
                    w.WriteNumber("peak_working_set_bytes", self.PeakWorkingSet64);
                    w.WriteNumber("cpu_s", Math.Round(self.TotalProcessorTime.TotalSeconds, 3));
                }
                w.WriteNumber("peak_managed_bytes", s.PeakManagedBytes);
                if (s.Collision is { } col)
                {
                    w.WritePropertyName("collision_probability");
                    w.WriteStartObject();
                    w.WriteNumber("optimistic", col.Optimistic);
                    if (col.Observed is { } o) w.WriteNumber("observed", o); else w.WriteNull("observed");
                    w.WriteEndObject();
                }
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
