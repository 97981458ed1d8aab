using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Formal.Spec.Diagnostics;

namespace Formal.Cli;

/// `formal bench`: explores the standard models (counters, dining philosophers, the anon_vma
/// spec) several times with each worker count, one child `formal check` process per run (so
/// every run starts cold and its peak memory is its own), and prints medians with their spread.
/// Never part of the test suite: its figures depend on the machine and on its load.
public static class BenchCommand
{
    public static readonly OptionSpec[] Options =
    [
        new("--model", true, "counters, philosophers or anon_vma (repeatable; default: all three)", Repeatable: true, ValueName: "NAME"),
        new("--workers", true, "comma-separated worker counts to run (default: 1 and the number of cores)", ValueName: "LIST"),
        new("--reps", true, "runs per model and worker count; medians are reported (default 3)", ValueName: "N"),
        new("--counters", true, "counters and modulus of the counters model (default 7,9)", ValueName: "N,M"),
        new("--philosophers", true, "philosophers of the philosophers model (default 12)", ValueName: "N"),
        new("--json", true, "write every run and the medians", ValueName: "FILE"),
        new("--help", false, "show this help"),
    ];

    private sealed record Model(string Name, string Label, string Spec, string? Config, string[] Consts);

    private sealed record Sample(double Seconds, long Distinct, long Generated, int Depth, long SeenBytes, long TotalBytes,
        long PeakWorkingSet, long PeakManaged, double Cpu, string Result);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var a = ArgParser.Parse(args, Options);
        if (a.Has("--help")) return Program.Help("formal bench [options]", Options, stdout);
        if (a.Positional.Count > 0) throw new UsageException("bench takes no positional arguments");
        int reps = a.Int("--reps", 1, 100) ?? 3;
        var workers = (a.Get("--workers") ?? $"1,{Environment.ProcessorCount}").Split(',')
            .Select(w => int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 256
                ? n : throw new UsageException($"--workers expects numbers in 1..256 separated by commas, not '{a.Get("--workers")}'"))
            .Distinct().ToList();
        var (n, m) = Pair(a.Get("--counters") ?? "7,9");
        int phils = a.Int("--philosophers", 2, 16) ?? 12;
        var root = RepoRoot() ?? throw new UsageException("cannot find the spec files (run formal bench inside the repository)");
        var all = new List<Model>
        {
            new("counters", $"counters {n}x{m}", Path.Combine(root, "spec/examples/counters.yaml"), null, [$"N={n}", $"M={m}"]),
            new("philosophers", $"philosophers {phils}", Path.Combine(root, "spec/examples/philosophers.yaml"), null, [$"N={phils}"]),
            new("anon_vma", "anon_vma default", Path.Combine(root, "spec/anon_vma.yaml"), "default", []),
        };
        var names = a.All("--model");
        foreach (var name in names)
            if (all.All(x => x.Name != name)) throw new UsageException($"--model {name}: no such model{Suggest.Hint(name, all.Select(x => x.Name))}; models: counters, philosophers, anon_vma");
        var models = names.Count == 0 ? all : all.Where(x => names.Contains(x.Name)).ToList();

        stdout.WriteLine($"formal bench: {Environment.ProcessorCount} cores, {reps} run{(reps == 1 ? "" : "s")} per row, load average before: {LoadAverage()}");
        stdout.WriteLine($"{"model",-20} {"workers",7} {"distinct",11} {"generated",12} {"distinct/s (median [min-max])",33} {"generated/s",12} {"seen B/st",9} {"total B/st",10} {"peak RSS",9} {"peak heap",9} {"cpu/wall",8}");
        var rows = new List<(Model Model, int Workers, List<Sample> Runs)>();
        foreach (var model in models)
            foreach (var w in workers)
            {
                var runs = new List<Sample>();
                for (int r = 0; r < reps; r++) runs.Add(Once(model, w, stderr));
                rows.Add((model, w, runs));
                var med = runs.OrderBy(x => x.Seconds).ElementAt(runs.Count / 2);
                var rates = runs.Select(x => x.Distinct / x.Seconds).OrderBy(x => x).ToList();
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model.Label,-20} {w,7} {med.Distinct,11:N0} {med.Generated,12:N0} {$"{med.Distinct / med.Seconds:N0} [{rates[0]:N0}-{rates[^1]:N0}]",33} {med.Generated / med.Seconds,12:N0} {(double)med.SeenBytes / med.Distinct,9:F1} {(double)med.TotalBytes / med.Distinct,10:F1} {Mib(med.PeakWorkingSet),9} {Mib(med.PeakManaged),9} {med.Cpu / med.Seconds,8:F2}"));
                if (runs.Select(x => (x.Distinct, x.Generated, x.Depth, x.Result)).Distinct().Count() > 1)
                    stdout.WriteLine($"  warning: the runs of {model.Label} disagree on the counts or the result");
            }
        stdout.WriteLine($"load average after: {LoadAverage()}. distinct/s and generated/s: exploration only (no start-up, no collision estimate); cpu/wall: cores kept busy (the whole process, start-up included).");
        if (a.Get("--json") is { } path) WriteJson(path, reps, rows);
        return ExitCodes.Ok;
    }

    private static (int, int) Pair(string s)
    {
        var parts = s.Split(',');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 16
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) && m is >= 2 and <= 64)
            return (n, m);
        throw new UsageException($"--counters expects N,M with N in 1..16 and M in 2..64, not '{s}'");
    }

    private static Sample Once(Model model, int workers, TextWriter stderr)
    {
        var json = Path.Combine(Path.GetTempPath(), $"formal-bench-{Environment.ProcessId}.json");
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!string.Equals(Path.GetFileNameWithoutExtension(Environment.ProcessPath), "formal", StringComparison.Ordinal))
            psi.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        foreach (var x in new[] { "check", model.Spec, "--quiet", "--workers", workers.ToString(CultureInfo.InvariantCulture), "--json", json })
            psi.ArgumentList.Add(x);
        if (model.Config is { } c) { psi.ArgumentList.Add("--config"); psi.ArgumentList.Add(c); }
        foreach (var k in model.Consts) { psi.ArgumentList.Add("--const"); psi.ArgumentList.Add(k); }
        using var p = Process.Start(psi) ?? throw new UsageException("cannot start formal check");
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode is not (ExitCodes.Ok or ExitCodes.Violation))
        {
            stderr.Write(err.Result);
            throw new UsageException($"formal check {model.Label} --workers {workers} exited with {p.ExitCode}");
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        File.Delete(json);
        var r = doc.RootElement;
        return new Sample(r.GetProperty("elapsed_s").GetDouble(), r.GetProperty("distinct_states").GetInt64(), r.GetProperty("generated_states").GetInt64(),
            r.GetProperty("depth").GetInt32(), r.GetProperty("seen_set_bytes").GetInt64(), r.GetProperty("total_bytes").GetInt64(),
            r.GetProperty("peak_working_set_bytes").GetInt64(), r.GetProperty("peak_managed_bytes").GetInt64(), r.GetProperty("cpu_s").GetDouble(),
            r.GetProperty("result").GetString() ?? "");
    }

    private static void WriteJson(string path, int reps, List<(Model Model, int Workers, List<Sample> Runs)> rows) => AtomicFile.WriteJson(path, w =>
    {
        w.WriteStartObject();
        w.WriteString("command", "bench");
        w.WriteNumber("cores", Environment.ProcessorCount);
        w.WriteNumber("reps", reps);
        w.WritePropertyName("rows");
        w.WriteStartArray();
        foreach (var (model, workers, runs) in rows)
        {
            var med = runs.OrderBy(x => x.Seconds).ElementAt(runs.Count / 2);
            w.WriteStartObject();
            w.WriteString("model", model.Name);
            w.WriteString("label", model.Label);
            w.WriteNumber("workers", workers);
            w.WriteNumber("distinct_states", med.Distinct);
            w.WriteNumber("generated_states", med.Generated);
            w.WriteNumber("depth", med.Depth);
            w.WriteString("result", med.Result);
            w.WriteNumber("median_s", med.Seconds);
            w.WriteNumber("median_distinct_per_s", Math.Round(med.Distinct / med.Seconds));
            w.WriteNumber("median_generated_per_s", Math.Round(med.Generated / med.Seconds));
            w.WriteNumber("seen_bytes_per_state", Math.Round((double)med.SeenBytes / med.Distinct, 2));
            w.WriteNumber("total_bytes_per_state", Math.Round((double)med.TotalBytes / med.Distinct, 2));
            w.WriteNumber("peak_working_set_bytes", med.PeakWorkingSet);
            w.WriteNumber("peak_managed_bytes", med.PeakManaged);
            w.WritePropertyName("seconds");
            w.WriteStartArray();
            foreach (var x in runs) w.WriteNumberValue(x.Seconds);
            w.WriteEndArray();
            w.WritePropertyName("cpu_s");
            w.WriteStartArray();
            foreach (var x in runs) w.WriteNumberValue(x.Cpu);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F0}M");

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// The repository: the nearest directory above the working directory, or above this program,
    /// that holds spec/anon_vma.yaml.
    private static string? RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "spec", "anon_vma.yaml"))) return d.FullName;
        return null;
    }
}
