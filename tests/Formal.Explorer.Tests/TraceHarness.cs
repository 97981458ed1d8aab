using System.Text;
using System.Text.Json;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// Traces for the trace-format tests: found by BFS, written to JSON and read back.
public static class TraceHarness
{
    public const string TpcBugFrom = "guard: [tm == tm_init, tm_prepared == RM]";
    public const string TpcBugTo = "guard: [tm == tm_init]";

    /// An invariant that a commit breaks: its shortest counterexample prepares and collects votes.
    public static readonly (string, string) TpcNoCommit = ("invariants:\n", "invariants:\n  NoCommit: not msg_commit\n");

    /// Peterson with the turn announced before the flag is raised: mutual exclusion breaks in 8 steps.
    public static readonly (string, string)[] PetersonTurnFirst =
    [
        ("update: { \"flag[i]\": true, \"pc[i]\": set_turn }", "update: { turn: 1 - i, \"pc[i]\": set_turn }"),
        ("update: { turn: 1 - i, \"pc[i]\": waiting }", "update: { \"flag[i]\": true, \"pc[i]\": waiting }"),
        ("flag[i] <=> pc[i] in {set_turn, waiting, critical}", "true"),
    ];

    /// Two initial states (a choice in init), a parameter, and an assertion that fails in a step.
    public const string ChoosingSpec = """
        spec: t
        variables: { x: 0..9 }
        init: ["choose v in 1..2", "x := v"]
        actions:
          Inc:
            params: { d: 1..2 }
            do: ["x := x + d", "assert x != 4"]
        """;

    /// A temporary directory holding a copy of an example spec with textual edits.
    public static string MutantFile(string example, params (string From, string To)[] edits)
    {
        var text = File.ReadAllText(Repo.Example(example));
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        var dir = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, example + ".yaml");
        File.WriteAllText(path, text);
        return path;
    }

    public static string TempSpec(string yaml, string name = "t")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public static Trace Check(string specPath, string? config = null)
    {
        var r = ExplorerHarness.Run(SpecHarness.LoadFile(specPath, config));
        Assert.NotNull(r.Trace);
        return r.Trace!;
    }

    public static string Json(Trace t)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true })) TraceJson.Write(w, t);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// Writes the trace and reads it back with the spec it names.
    public static Trace RoundTrip(Trace t, string file = "trace.json")
    {
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}-{file}");
        File.WriteAllText(path, Json(t));
        var diags = new DiagnosticBag();
        var raw = TraceReader.ReadHeader(path, diags);
        Assert.True(raw is not null, string.Join("\n", diags.Items));
        var ir = Formal.Spec.SpecLoader.Load(raw!.File, raw.Config.Length > 0 ? raw.Config : null, raw.Constants, diags);
        Assert.True(ir is not null, string.Join("\n", diags.Items));
        var back = TraceReader.Resolve(raw, ir!, diags);
        Assert.True(back is not null, string.Join("\n", diags.Items));
        File.Delete(path);
        return back!;
    }

    /// The rendered errors of reading a trace file with this text.
    public static List<string> ReadErrors(string json, string specPath)
    {
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}-bad.json");
        File.WriteAllText(path, json);
        var diags = new DiagnosticBag();
        var raw = TraceReader.ReadHeader(path, diags);
        if (raw is not null)
        {
            var ir = SpecHarness.LoadFile(specPath);
            Assert.Null(TraceReader.Resolve(raw, ir, diags));
        }
        File.Delete(path);
        return diags.Sorted().Select(d => d.Render().Replace(path, "bad.json")).ToList();
    }
}
