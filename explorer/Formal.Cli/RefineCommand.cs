using System.Globalization;
using System.Reflection;
using Formal.Explorer.Traces;
using Formal.Reference.RuleSets;
using Formal.Refinement;
using Formal.Spec.Diagnostics;

namespace Formal.Cli;

/// `formal refine SPEC --rule-set NAME|all`: every step of the rule set's own state space must be
/// a step (or a stutter) of the spec, every state must satisfy the spec's invariants, and no
/// memory-safety violation or kernel assertion may happen.
public static class RefineCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--rule-set", true, "the rule set to check, or all (registered ones and those of --rule-set-assembly)", ValueName: "NAME"),
        new("--rule-set-assembly", true, "load the public RuleSet subclasses of this assembly (repeatable)", Repeatable: true, ValueName: "DLL"),
        new("--config", true, "use the named configuration of the spec (bounds and operations)", ValueName: "NAME"),
        new("--const", true, "set a constant (overrides the configuration)", Repeatable: true, ValueName: "NAME=VALUE"),
        new("--no-inject", false, "do not explore allocation failures (each operation is otherwise also run with every set of allocation kinds it can fail at)"),
        new("--max-depth", true, "stop after this many reference operations (result: inconclusive if states remain)", ValueName: "N"),
        new("--timeout", true, "stop each rule set after this many seconds (result: inconclusive)", ValueName: "SECONDS"),
        new("--jobs", true, "check this many rule sets at a time, each on its own thread (default: the number of cores); the output order does not change", ValueName: "N"),
        new("--json", true, "write a machine-readable summary", ValueName: "FILE"),
        new("--trace", true, "write the counterexample as a trace file (with all: FILE.RULESET.json per violating rule set)", ValueName: "FILE"),
        new("--quiet", false, "print only the results"),
        new("--help", false, "show this help"),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help")) return Program.Help("formal refine SPEC --rule-set NAME|all [options]", Options, stdout);
        if (a.Positional.Count != 1) throw new UsageException("refine needs exactly one SPEC file (formal refine SPEC --rule-set NAME|all)");
        var which = a.Get("--rule-set") ?? throw new UsageException("refine needs --rule-set NAME or --rule-set all");
        var maxDepth = a.Int("--max-depth", 1, int.MaxValue);
        var timeout = a.Int("--timeout", 1, int.MaxValue);
        var jobs = a.Int("--jobs", 1, 256) ?? Environment.ProcessorCount;
        foreach (var dll in a.All("--rule-set-assembly")) LoadAssembly(dll);
        var names = which == "all" ? RuleSetRegistry.Names.ToList() : [which];
        foreach (var n in names)
            if (!RuleSetRegistry.Contains(n))
                throw new UsageException($"--rule-set {n}: no such rule set{Suggest.Hint(n, RuleSetRegistry.Names)}; known: {string.Join(", ", RuleSetRegistry.Names)}, all");

        var specPath = a.Positional[0];
        var diags = new DiagnosticBag();
        var setup = RefinementSetup.Load(specPath, a.Get("--config"), CheckCommand.ParseConsts(a.All("--const")), !a.Has("--no-inject"), diags);
        if (setup is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            JsonSummary.Write(a.Get("--json"), "refine", specPath, null, null, null);
            return ExitCodes.BadInput;
        }
        bool quiet = a.Has("--quiet");
        var progress = TextWriter.Synchronized(stderr);
        var b = setup.Bounds;
        if (!quiet)
        {
            stdout.WriteLine($"Refining {setup.Ir.Name} ({specPath}{(setup.Ir.Config.Length > 0 ? $", config {setup.Ir.Config}" : "")}) by {(which == "all" ? $"{names.Count} rule sets" : which)}");
            stdout.WriteLine($"  reference bounds: {b.MaxProcesses} processes, {b.AddressSpacePages} pages of address space, {b.MaxVmas} VMAs, {b.MaxAnonVmas} anon_vmas, {b.MaxPages} pages; fault injection {(setup.Filter.Inject ? "on" : "off")}");
            stdout.WriteLine($"  abstract spec: {string.Join(", ", setup.AbstractIr.Constants.Select(c => $"{c.Name}={c.Value}"))}");
        }
        var options = new RefinementOptions
        {
            MaxDepth = maxDepth,
            TimeLimit = timeout is { } t ? TimeSpan.FromSeconds(t) : null,
            Progress = p => progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"progress: {p.RuleSet}: depth {p.Depth}, {p.Distinct:N0} distinct, {p.Transitions:N0} steps checked, queue {p.Queue:N0}, {p.ElapsedSeconds:F0} s")),
        };
        var total = System.Diagnostics.Stopwatch.StartNew();
        var results = RefinementBatch.Run(setup, names.Select(RuleSetRegistry.Factory).ToList(), options, jobs, (i, r) =>
        {
            Report(r, which == "all", quiet, stdout);
            if (r.Trace is { } trace && a.Get("--trace") is { } tracePath)
                AtomicFile.WriteJson(which == "all" ? PerRuleSet(tracePath, names[i]) : tracePath, w => TraceJson.Write(w, trace));
        });
        if (which == "all")
        {
            stdout.WriteLine();
            stdout.Write(RefinementText.Table(results));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {total.Elapsed.TotalSeconds:F1} s"));
        }
        string overall = results.Any(r => r.Verdict == RefinementVerdict.Violation) ? "violation"
            : results.Any(r => r.Verdict == RefinementVerdict.Inconclusive) ? "inconclusive" : "ok";
        WriteJson(a.Get("--json"), specPath, setup, results, overall, total.Elapsed.TotalSeconds);
        stdout.WriteLine(overall switch
        {
            "ok" => $"Result: {(results.Count == 1 ? $"{results[0].RuleSet} refines" : "every rule set refines")} the spec.",
            "violation" => $"Result: violation ({string.Join(", ", results.Where(r => r.Verdict == RefinementVerdict.Violation).Select(r => $"{r.RuleSet}: {r.Failure!.Property}"))}).",
            _ => "Result: inconclusive.",
        });
        return overall switch { "ok" => ExitCodes.Ok, "violation" => ExitCodes.Violation, _ => ExitCodes.Inconclusive };
    }

    private static void Report(RefinementResult r, bool many, bool quiet, TextWriter stdout)
    {
        var stats = string.Create(CultureInfo.InvariantCulture,
            $"{r.DistinctStates:N0} distinct reference states, {r.Transitions:N0} steps checked ({r.Stutters:N0} stutters), depth {r.Depth}, {r.BoundHits:N0} bound hits, {r.ElapsedSeconds:F1} s");
        stdout.WriteLine();
        stdout.WriteLine($"{r.RuleSet} ({r.Kernel}): {r.ResultName}{(r.InconclusiveReason is { } why ? $": {why}" : "")}");
        if (!quiet) stdout.WriteLine($"  {stats}");
        if (r.Trace is not { } t || r.Failure is not { } f) return;
        stdout.WriteLine($"  Error: {t.Violation.Message}");
        stdout.WriteLine($"  Shortest reference trace ({t.Length} step{(t.Length == 1 ? "" : "s")}): {RefinementText.Operations(t)}");
        if (!many && !quiet)
        {
            stdout.WriteLine();
            stdout.Write(RefinementText.Counterexample(t));
        }
    }

    private static string PerRuleSet(string path, string ruleSet)
    {
        var ext = Path.GetExtension(path);
        var stem = ext.Length > 0 ? path[..^ext.Length] : path;
        return $"{stem}.{ruleSet}{(ext.Length > 0 ? ext : ".json")}";
    }

    private static void LoadAssembly(string dll)
    {
        if (!File.Exists(dll)) throw new UsageException($"--rule-set-assembly {dll}: no such file");
        try
        {
            var added = RuleSetRegistry.LoadFrom(Assembly.LoadFrom(Path.GetFullPath(dll)));
            if (added.Count == 0) throw new UsageException($"--rule-set-assembly {dll}: the assembly has no public RuleSet subclass with a parameterless constructor (or only names already registered)");
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or ReflectionTypeLoadException or TypeLoadException)
        {
            throw new UsageException($"--rule-set-assembly {dll}: cannot load it: {e.Message}");
        }
    }

    private static void WriteJson(string? path, string specPath, RefinementSetup setup, IReadOnlyList<RefinementResult> results, string overall, double elapsed)
    {
        var first = results.FirstOrDefault(r => r.Verdict == RefinementVerdict.Violation)?.Trace;
        JsonSummary.Write(path, "refine", specPath, setup.Ir, overall, first, w =>
        {
            w.WriteNumber("distinct_states", results.Sum(r => r.DistinctStates));
            w.WriteNumber("generated_states", results.Sum(r => r.Transitions));
            w.WriteNumber("depth", results.Count == 0 ? 0 : results.Max(r => r.Depth));
            w.WriteNumber("elapsed_s", Math.Round(elapsed, 3));
            w.WritePropertyName("rule_sets");
            w.WriteStartArray();
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("rule_set", r.RuleSet);
                w.WriteString("kernel", r.Kernel);
                w.WriteString("result", r.ResultName);
                if (r.Failure is { } f)
                {
                    w.WriteString("property", f.Property);
                    w.WriteString("kind", Violation.NameOf(f.Kind));
                    w.WriteString("message", r.Trace?.Violation.Message ?? f.Message);
                }
                else w.WriteNull("property");
                if (r.Trace is { } t) w.WriteNumber("trace_length", t.Length); else w.WriteNull("trace_length");
                if (r.Trace is { } tr)
                {
                    w.WritePropertyName("trace");
                    w.WriteStartArray();
                    foreach (var s in tr.Steps.Skip(1)) w.WriteStringValue(s.Label?.Show());
                    if (tr.FailingStep is { } fs) w.WriteStringValue(fs.Show());
                    w.WriteEndArray();
                }
                w.WriteNumber("distinct_states", r.DistinctStates);
                w.WriteNumber("generated_states", r.Transitions);
                w.WriteNumber("depth", r.Depth);
                w.WriteNumber("bound_hits", r.BoundHits);
                w.WriteNumber("elapsed_s", Math.Round(r.ElapsedSeconds, 3));
                if (r.InconclusiveReason is { } why) w.WriteString("reason", why);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }
}
