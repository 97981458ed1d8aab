using System.Diagnostics;
using System.Globalization;
using Formal.Spec.Smt.Z3;

namespace Formal.SmtBench;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length >= 1 && args[0] == "smtlib")
        {
            // smtlib FILE [PRELUDE]: time one SMT-LIB script (PRELUDE is prepended, e.g. options).
            var text = (args.Length > 2 ? args[2] + "\n" : "") + File.ReadAllText(args[1]);
            using var z = new Z3Context();
            var sw = Stopwatch.StartNew();
            var output = z.EvalSmtLib(text);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output.Trim()} in {sw.Elapsed.TotalSeconds:F2} s"));
            return 0;
        }
        if (args.Length >= 4 && args[0] == "counters")
        {
            // counters N M DEPTH [ROUNDS]: per-depth BMC times, encoder vs hand-written, alternating.
            int n = int.Parse(args[1], CultureInfo.InvariantCulture), m = int.Parse(args[2], CultureInfo.InvariantCulture);
            int depth = int.Parse(args[3], CultureInfo.InvariantCulture);
            int rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
            string spec = Path.Combine(FindRoot(), "spec", "examples", "counters.yaml");
            var runs = new Dictionary<string, List<List<double>>>();
            for (int r = 0; r < rounds; r++)
                foreach (var run in new[] { CountersBench.Encoded(spec, n, m, depth), CountersBench.Encoded(spec, n, m, depth, ground: 1), CountersBench.HandInt(n, m, depth), CountersBench.HandBv(n, m, depth) })
                {
                    if (!runs.TryGetValue(run.Name, out var list)) runs[run.Name] = list = new();
                    list.Add(run.Seconds);
                }
            Report(runs, depth);
            return 0;
        }
        if (args.Length >= 4 && args[0] == "links")
        {
            // links NV NA DEPTH [ROUNDS]: set and map representations on a hand-written BMC.
            int nv = int.Parse(args[1], CultureInfo.InvariantCulture), na = int.Parse(args[2], CultureInfo.InvariantCulture);
            int depth = int.Parse(args[3], CultureInfo.InvariantCulture);
            int rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
            var times = new Dictionary<string, List<double>>();
            for (int r = 0; r < rounds; r++)
                foreach (var repr in new[] { "bools", "bv", "array" })
                {
                    if (!times.TryGetValue(repr, out var list)) times[repr] = list = new();
                    list.Add(LinkBench.Run(repr, nv, na, depth));
                }
            foreach (var (repr, list) in times)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{repr,6}: median {Median(list):F3} s over {list.Count} rounds (BMC to depth {depth}, {nv} x {na})"));
            return 0;
        }
        if (args.Length >= 3 && args[0] == "encode")
        {
            // encode FILE CONFIG: the time and size of encoding one step.
            EncodeBench.Run(args[1], args[2] == "-" ? null : args[2]);
            return 0;
        }
        if (args.Length >= 5 && args[0] == "spec")
        {
            // spec FILE CONFIG DEPTH incremental|fresh [K]: per-depth BMC (and k-induction) times.
            var mode = args[4] == "fresh" ? Formal.Spec.Smt.Engines.SolvingMode.Fresh : Formal.Spec.Smt.Engines.SolvingMode.Incremental;
            int? k = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : null;
            SpecBench.Run(args[1], args[2] == "-" ? null : args[2], int.Parse(args[3], CultureInfo.InvariantCulture), mode, k);
            return 0;
        }
        Console.Error.WriteLine("usage: smt-bench encode FILE CONFIG | spec FILE CONFIG DEPTH incremental|fresh [K] | smtlib FILE [PRELUDE] | counters N M DEPTH [ROUNDS]");
        return 2;
    }

    private static double Median(IEnumerable<double> xs)
    {
        var a = xs.OrderBy(x => x).ToArray();
        return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
    }

    /// Medians over rounds, per depth, and the totals.
    private static void Report(Dictionary<string, List<List<double>>> runs, int depth)
    {
        var names = runs.Keys.ToList();
        Console.WriteLine("depth  " + string.Join("  ", names.Select(n => $"{n,12}")) + "   (median seconds per depth)");
        for (int k = 0; k <= depth; k++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k,5}  ") + string.Join("  ", names.Select(n => string.Create(CultureInfo.InvariantCulture, $"{Median(runs[n].Select(r => r[k])),12:F4}"))));
        var totals = names.ToDictionary(n => n, n => Median(runs[n].Select(r => r.Sum())));
        Console.WriteLine("total  " + string.Join("  ", names.Select(n => string.Create(CultureInfo.InvariantCulture, $"{totals[n],12:F3}"))));
        if (totals.ContainsKey("encoded") && totals.ContainsKey("hand Int"))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio encoded / hand Int: {totals["encoded"] / totals["hand Int"]:F2}"));
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Formal.sln"))) return d.FullName;
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Formal.sln"))) return d.FullName;
        throw new InvalidOperationException("run inside the repository");
    }
}
