using System.Globalization;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Engines;
using Formal.Spec.Smt.Z3;

namespace Formal.Cli;

/// `formal prove SPEC`: bounded model checking and k-induction with Z3. Every path the solver
/// claims is replayed through the evaluator before it is shown, so traces are the explorer's.
public static class ProveCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--config", true, "use the named configuration of the spec", ValueName: "NAME"),
        new("--const", true, "set a constant (overrides the configuration)", Repeatable: true, ValueName: "NAME=VALUE"),
        new("--bmc", true, "bounded model checking to this depth (alone: no proof, exit 3 if clean)", ValueName: "DEPTH"),
        new("--induction", true, "prove by k-induction, trying k = 1..K (default: 1)", ValueName: "K"),
        new("--timeout", true, "give up after this many seconds (result: inconclusive)", ValueName: "SECONDS"),
        new("--split", true, "check the induction step per parameter combination of each action with at most N of them (default 0: per action)", ValueName: "N"),
        new("--deadlock", false, "report states without successors (overrides the spec's option)"),
        new("--no-deadlock", false, "do not report deadlocks"),
        new("--json", true, "write a machine-readable summary", ValueName: "FILE"),
        new("--trace", true, "write the counterexample in the project's trace format", ValueName: "FILE"),
        new("--dump-smt", true, "write the deciding solver query as SMT-LIB", ValueName: "FILE"),
        new("--quiet", false, "print only the result line and errors"),
        new("--help", false, "show this help"),
    ];

    /// The replayed violation or counterexample to induction (or why the replay failed).
    internal sealed record Shown(Trace? Violation, Trace? Cti, string? Divergence);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help"))
        {
            stdout.WriteLine("usage: formal prove SPEC [options]\n");
            foreach (var o in Options)
                stdout.WriteLine($"  {(o.TakesValue ? $"{o.Name} {o.ValueName}" : o.Name),-26} {o.Help}");
            return ExitCodes.Ok;
        }
        if (a.Positional.Count != 1) throw new UsageException("prove needs exactly one SPEC file (formal prove SPEC)");
        var specPath = a.Positional[0];
        var bmc = a.Int("--bmc", 0, 10_000);
        var induction = a.Int("--induction", 1, 1_000);
        var timeout = a.Int("--timeout", 1, 31_536_000);
        var split = a.Int("--split", 0, 1_000_000) ?? 0;
        if (a.Has("--deadlock") && a.Has("--no-deadlock")) throw new UsageException("--deadlock and --no-deadlock contradict each other");
        var overrides = CheckCommand.ParseConsts(a.All("--const"));
        bool quiet = a.Has("--quiet");

        var diags = new DiagnosticBag();
        var ir = SpecLoader.Load(specPath, a.Get("--config"), overrides, diags);
        if (ir is null)
        {
            Program.PrintDiagnostics(diags, stderr);
            ProveSummary.Write(a, specPath, null, null, null, "error", null);
            return ExitCodes.BadInput;
        }
        foreach (var d in diags.Sorted()) stderr.WriteLine(d.Render());

        string version;
        try
        {
            version = Z3Context.Version;
        }
        catch (SolverUnavailableException e)
        {
            stderr.WriteLine($"formal: error: {e.Message}");
            stdout.WriteLine($"Result: inconclusive: the solver is not available.");
            ProveSummary.Write(a, specPath, ir, null, null, "inconclusive", e.Message);
            return ExitCodes.Inconclusive;
        }

        if (!quiet)
        {
            stdout.WriteLine($"Proving {ir.Name} ({specPath}{(ir.Config.Length > 0 ? $", config {ir.Config}" : "")})");
            if (ir.Constants.Count > 0)
                stdout.WriteLine($"  constants: {string.Join(", ", ir.Constants.Select(c => $"{c.Name}={c.Value}"))}");
            stdout.WriteLine($"  {Count(ir.Vars.Count, "variable")}, {Count(ir.Actions.Count, "action")}, {Count(ir.Invariants.Count, "invariant")}, {Count(ir.Lemmas.Count, "lemma")}; Z3 {version}");
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCtrlC;
        ProveResult result;
        try
        {
            var options = new ProveOptions
            {
                BmcDepth = bmc,
                InductionK = induction,
                Timeout = timeout is { } t ? TimeSpan.FromSeconds(t) : null,
                CheckDeadlock = a.Has("--deadlock") ? true : a.Has("--no-deadlock") ? false : null,
                KeepSmtLib = a.Has("--dump-smt"),
                MaxCasesPerAction = split,
                Cancel = cancel.Token,
                OnCheck = quiet ? null : c => stdout.WriteLine("  " + Describe(c)),
            };
            result = Program.OnBigStack(() => Prover.Run(ir, options));
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }

        if (a.Get("--dump-smt") is { } dumpPath && result.SmtLib is { } smt) AtomicFile.WriteText(dumpPath, smt);

        if (result.Verdict == ProveVerdict.Unsupported)
        {
            foreach (var d in result.Diagnostics.OrderBy(d => d.Span.Line).ThenBy(d => d.Span.Column)) stderr.WriteLine(d.Render());
            stdout.WriteLine("Result: error: the spec uses something the SMT back end cannot encode.");
            ProveSummary.Write(a, specPath, ir, result, null, "error", "unsupported by the SMT back end");
            return ExitCodes.BadInput;
        }

        var shown = Program.OnBigStack(() => Replay(ir, result));
        if (shown.Divergence is { } why)
        {
            stderr.WriteLine($"formal: internal error: the solver's model does not replay in the evaluator: {why}");
            stderr.WriteLine("(this is a bug in the SMT encoding; please report it with the spec)");
            ProveSummary.Write(a, specPath, ir, result, null, "error", "the solver's model does not replay: " + why);
            return ExitCodes.InternalError;
        }

        int exit;
        string verdict, line;
        string? reason = result.Reason;
        switch (result.Verdict)
        {
            case ProveVerdict.Violation:
            {
                var trace = shown.Violation!;
                stdout.WriteLine();
                stdout.WriteLine($"Error: {trace.Violation.Message}");
                if (trace.Violation.Span is { IsNone: false } span) stdout.WriteLine($"  at {span}");
                stdout.WriteLine($"Shortest counterexample ({Count(trace.Length, "step")}):");
                stdout.Write(TraceText.Render(trace));
                if (a.Get("--trace") is { } tracePath) AtomicFile.WriteJson(tracePath, w => TraceJson.Write(w, trace));
                (exit, verdict, line) = (ExitCodes.Violation, "violation", $"Result: violation of {trace.Violation.Property} ({trace.Violation.KindName}).");
                break;
            }
            case ProveVerdict.Proved:
                (exit, verdict, line) = (ExitCodes.Ok, "ok",
                    $"Result: proved: every invariant{(ir.Lemmas.Count > 0 ? " and lemma" : "")} holds in every reachable state " +
                    (result.ProvedK is { } pk ? $"(k-induction, k={pk})." : $"({result.Reason}, and BMC checked them all)."));
                break;
            case ProveVerdict.BoundReached:
                reason = $"no violation up to depth {result.BmcDepth}";
                (exit, verdict, line) = (ExitCodes.Inconclusive, "inconclusive",
                    $"Result: inconclusive: no violation up to depth {result.BmcDepth} (bounded model checking is not a proof; --induction K proves).");
                break;
            case ProveVerdict.NotInductive:
            {
                var cti = result.Cti!;
                stdout.WriteLine();
                stdout.Write(CtiText.Render(shown.Cti!, cti));
                (exit, verdict, line) = (ExitCodes.Inconclusive, "inconclusive", cti.ReachableAt is { } at
                    ? $"Result: inconclusive: the counterexample to induction starts from a state reachable in {at} steps, yet BMC to depth {at + cti.Path.Length} finds no violation (an inconsistency in the SMT back end; please report it)."
                    : $"Result: inconclusive: the induction step fails for k={cti.K}; add a lemma that excludes the counterexample's first state (not reachable within {cti.SearchedDepth} steps).");
                break;
            }
            default:
                (exit, verdict, line) = (ExitCodes.Inconclusive, "inconclusive", $"Result: inconclusive: the solver answered unknown ({result.Reason}).");
                break;
        }
        if (!quiet)
        {
            stdout.WriteLine();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Checks.Count} solver checks, BMC depth {result.BmcDepth}, {result.ElapsedSeconds:F2} s."));
        }
        stdout.WriteLine(line);
        ProveSummary.Write(a, specPath, ir, result, shown, verdict, reason);
        return exit;
    }

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";

    private static string Describe(CheckTiming c)
    {
        string where = c.Query switch
        {
            "bmc" => $"bmc depth {c.Depth}",
            "induction" => $"induction step k={c.Depth}, invariants after {c.Action}",
            "induction-step" => $"induction step k={c.Depth}, next step {c.Action}",
            "extend" => $"loop-free paths of length {c.Depth}",
            _ => $"reachability depth {c.Depth}",
        };
        string outcome = (c.Query, c.Result.Status) switch
        {
            ("bmc", Spec.Smt.Solving.SolveStatus.Unsat) => "no violation",
            ("bmc", Spec.Smt.Solving.SolveStatus.Sat) => "violation",
            ("induction", Spec.Smt.Solving.SolveStatus.Unsat) => "preserved",
            ("induction-step", Spec.Smt.Solving.SolveStatus.Unsat) => "cannot fail",
            ("induction-step", Spec.Smt.Solving.SolveStatus.Sat) => "counterexample to induction",
            ("induction", Spec.Smt.Solving.SolveStatus.Sat) => "counterexample to induction",
            ("reach", Spec.Smt.Solving.SolveStatus.Unsat) => "not reachable",
            ("reach", Spec.Smt.Solving.SolveStatus.Sat) => "reachable",
            ("extend", Spec.Smt.Solving.SolveStatus.Unsat) => "none (BMC has seen every reachable state)",
            ("extend", Spec.Smt.Solving.SolveStatus.Sat) => "exist",
            _ => c.Result.ToString(),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{where}: {outcome} (encode {c.EncodeSeconds:F2} s, solve {c.SolveSeconds:F2} s)");
    }

    /// Replays the claimed violation or counterexample to induction through the evaluator.
    private static Shown Replay(SpecIr ir, ProveResult r)
    {
        var ts = new SpecTransitionSystem(ir, evaluator: Evaluator.Closures);
        var path = r.Violation ?? r.Cti?.Path;
        if (path is null) return new Shown(null, null, null);
        var outcome = PathReplay.Replay(ts, path);
        if (outcome.Trace is null) return new Shown(null, null, outcome.Divergence);
        return r.Violation is not null ? new Shown(outcome.Trace, null, null) : new Shown(null, outcome.Trace, null);
    }
}
