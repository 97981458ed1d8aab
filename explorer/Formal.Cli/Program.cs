using Formal.Spec.Diagnostics;

namespace Formal.Cli;

public static class Program
{
    private const string Usage = """
        usage: formal <command> [options]

        commands:
          check SPEC     explore every reachable state breadth-first; report the shortest
                         counterexample to an invariant, assertion or deadlock
          prove SPEC     bounded model checking and k-induction with Z3 (--bmc N, --induction K)
          simulate SPEC  random walks (seeded); a failing walk is shrunk to a minimal trace
          refine SPEC    check reference rule sets against the spec (--rule-set NAME|all)
          replay FILE    run a scenario against its spec; exit 0 when it behaves as it says
          shrink FILE    shrink a failing scenario or trace to a locally minimal one
          show TRACE     convert a trace file: text, scenario, itf, dot or html
          bench          explore the standard models (counters, philosophers, anon_vma) and
                         report states/s, bytes per state and peak memory (median of runs)
          help           this text; `formal <command> --help` describes a command

        exit codes: 0 holds, 1 violation (with trace), 2 bad input, 3 inconclusive
        """;

    private static readonly string[] Commands = ["check", "prove", "simulate", "refine", "replay", "shrink", "show", "bench", "help"];

    /// Prints a command's usage line and options.
    public static int Help(string usage, IEnumerable<OptionSpec> options, TextWriter stdout)
    {
        stdout.WriteLine($"usage: {usage}\n");
        foreach (var o in options)
            stdout.WriteLine($"  {(o.TakesValue ? $"{o.Name} {o.ValueName}" : o.Name),-26} {o.Help}");
        return ExitCodes.Ok;
    }

    public static int Main(string[] args)
    {
        // Multicore JIT: the methods the last run compiled are compiled again on a spare core
        // while this one starts (the profile lives next to the program, in the build output; an
        // unwritable directory just means no profile). `check`'s start-up on anon_vma's tiny
        // configuration: 1.25 -> 1.02 s (medians of 6 alternating runs).
        System.Runtime.ProfileOptimization.SetProfileRoot(AppContext.BaseDirectory);
        System.Runtime.ProfileOptimization.StartProfile("formal.jitprofile");
        try
        {
            return Run(args, Console.Out, Console.Error);
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("FORMAL_DEBUG") is null)
        {
            Console.Error.WriteLine($"formal: internal error: {e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine("(this is a bug in formal; set FORMAL_DEBUG=1 to see where it happened)");
            return ExitCodes.InternalError;
        }
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? ExitCodes.BadInput : ExitCodes.Ok;
        }
        var rest = args.Skip(1).ToArray();
        try
        {
            return args[0] switch
            {
                "check" => CheckCommand.Run(rest, stdout, stderr),
                "show" => ShowCommand.Run(rest, stdout, stderr),
                "simulate" => SimulateCommand.Run(rest, stdout, stderr),
                "shrink" => ShrinkCommand.Run(rest, stdout, stderr),
                "replay" => ReplayCommand.Run(rest, stdout, stderr),
                "refine" => RefineCommand.Run(rest, stdout, stderr),
                "prove" => ProveCommand.Run(rest, stdout, stderr),
                "bench" => BenchCommand.Run(rest, stdout, stderr),
                _ => throw new UsageException($"unknown command '{args[0]}'{Suggest.Hint(args[0], Commands)}"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"formal: error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    /// Prints diagnostics as `file:line:col: error: message`, sorted by position.
    public static void PrintDiagnostics(DiagnosticBag diags, TextWriter stderr)
    {
        foreach (var d in diags.Sorted()) stderr.WriteLine(d.Render());
        int errors = diags.Items.Count(d => d.Severity == Severity.Error);
        if (errors > 0) stderr.WriteLine($"{errors} error{(errors == 1 ? "" : "s")}");
    }

    /// Runs work on a thread with a large stack: compiled actions run in continuation-passing
    /// style, so long action bodies nest deeply.
    public static T OnBigStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = e; }
        }, 512 * 1024 * 1024);
        t.Start();
        t.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        return result;
    }
}
