using System.Text.Json;
using Formal.Tests;

namespace Formal.Cli.Tests;

public class CheckCommandTests
{
    private static string Example(string name) => Repo.Example(name);

    [Fact]
    public void A_violation_exits_1_and_prints_the_shortest_trace()
    {
        var r = CliHarness.Run("check", Example("water_jug"));
        Assert.Equal(1, r.Exit);
        Assert.Contains("Error: invariant NotFourGallons is violated: big != 4", r.Out, StringComparison.Ordinal);
        Assert.Contains("Shortest counterexample (6 steps):", r.Out, StringComparison.Ordinal);
        Assert.Contains("Step 6: BigToSmall\n  small: 2 -> 3\n  big: 5 -> 4\n", r.Out.Replace("\r\n", "\n"), StringComparison.Ordinal);
        Assert.Contains("Result: violation of NotFourGallons (invariant).", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spec_that_holds_exits_0_with_a_TLC_like_summary()
    {
        var r = CliHarness.Run("check", Example("two_phase_commit"), "--config", "four");
        Assert.Equal(0, r.Exit);
        Assert.Contains("8,258 states generated, 1,568 distinct states, depth 14, 0 states left on queue.", r.Out, StringComparison.Ordinal);
        Assert.Contains("Result: all invariants hold.", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Constants_from_the_command_line_override_the_configuration()
    {
        var r = CliHarness.Run("check", Example("counters"), "--const", "N=2", "--const=M=7", "--quiet");
        Assert.Equal(0, r.Exit);
        var json = CliHarness.TempFile("c.json");
        CliHarness.Run("check", Example("counters"), "--const", "N=2", "--const", "M=7", "--json", json);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(49, doc.RootElement.GetProperty("distinct_states").GetInt64());
        File.Delete(json);
    }

    [Fact]
    public void Max_depth_is_inconclusive_and_exits_3()
    {
        var r = CliHarness.Run("check", Example("counters"), "--max-depth", "3");
        Assert.Equal(3, r.Exit);
        Assert.Contains("Result: inconclusive: stopped at depth 3", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_summary_has_the_contracted_fields_and_the_trace()
    {
        var json = CliHarness.TempFile("s.json");
        var trace = CliHarness.TempFile("t.json");
        var r = CliHarness.Run("check", Example("water_jug"), "--json", json, "--trace", trace);
        Assert.Equal(1, r.Exit);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        foreach (var key in new[] { "command", "spec", "config", "result", "distinct_states", "generated_states", "depth", "elapsed_s", "violation" })
            Assert.True(root.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal("violation", root.GetProperty("result").GetString());
        var v = root.GetProperty("violation");
        Assert.Equal("NotFourGallons", v.GetProperty("property").GetString());
        Assert.Equal("invariant", v.GetProperty("kind").GetString());
        var steps = v.GetProperty("trace").EnumerateArray().ToList();
        Assert.Equal(7, steps.Count);
        Assert.Equal("init", steps[0].GetProperty("action").GetString());
        Assert.Equal("FillBig", steps[1].GetProperty("action").GetString());
        Assert.Equal(4, steps[6].GetProperty("state").GetProperty("big").GetInt32());

        using var t = JsonDocument.Parse(File.ReadAllText(trace));
        Assert.Equal("formal-trace/1", t.RootElement.GetProperty("format").GetString());
        Assert.Equal(6, t.RootElement.GetProperty("violation").GetProperty("length").GetInt32());
        File.Delete(json);
        File.Delete(trace);
    }

    [Fact]
    public void Json_summary_of_a_clean_run_matches_the_golden_file()
    {
        var json = CliHarness.TempFile("g.json");
        Assert.Equal(0, CliHarness.Run("check", Example("peterson"), "--json", json, "--quiet").Exit);
        var text = File.ReadAllText(json);
        text = System.Text.RegularExpressions.Regex.Replace(text, "\"(elapsed_s|distinct_per_s|generated_per_s|workers|seen_set_bytes|total_bytes|peak_working_set_bytes|cpu_s|peak_managed_bytes)\": [0-9.E+-]+", "\"$1\": 0");
        text = text.Replace(Repo.Root + Path.DirectorySeparatorChar, "");
        Repo.Golden("tests/Formal.Cli.Tests/Golden/peterson.summary.json", text);
        File.Delete(json);
    }

    [Fact]
    public void A_broken_spec_exits_2_with_every_error_positioned()
    {
        var r = CliHarness.Run("check", Repo.Path("tests", "Formal.Spec.Tests", "Golden", "errors", "names_and_types.yaml"));
        Assert.Equal(2, r.Exit);
        var errors = r.Err.Split('\n').Where(l => l.Contains(": error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count >= 5);
        Assert.All(errors, l => Assert.Matches(@"names_and_types\.yaml:\d+:\d+: error: ", l));
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData(new[] { "check" }, "check needs exactly one SPEC file")]
    [InlineData(new[] { "chek", "x.yaml" }, "unknown command 'chek' (did you mean 'check'?)")]
    [InlineData(new[] { "check", "x.yaml", "--maxdepth", "3" }, "unknown option '--maxdepth' (did you mean '--max-depth'?)")]
    [InlineData(new[] { "check", "x.yaml", "--max-depth", "zero" }, "--max-depth expects an integer")]
    [InlineData(new[] { "check", "x.yaml", "--const", "N" }, "--const expects NAME=VALUE")]
    [InlineData(new[] { "check", "x.yaml", "--deadlock", "--no-deadlock" }, "contradict")]
    public void Bad_command_lines_exit_2_with_a_message(string[] args, string message)
    {
        var r = CliHarness.Run(args);
        Assert.Equal(2, r.Exit);
        Assert.Contains(message, r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_and_an_unknown_configuration_are_bad_input()
    {
        var r = CliHarness.Run("check", "does/not/exist.yaml");
        Assert.Equal(2, r.Exit);
        Assert.Contains("file not found", r.Err, StringComparison.Ordinal);
        r = CliHarness.Run("check", Example("counters"), "--config", "benh");
        Assert.Equal(2, r.Exit);
        Assert.Contains("no such configuration in counters.yaml (did you mean 'bench'?)", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_files_in_a_missing_directory_are_refused_without_partial_files()
    {
        var r = CliHarness.Run("check", Example("peterson"), "--json", "/nonexistent-dir/x.json");
        Assert.Equal(2, r.Exit);
        Assert.Contains("directory", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_executable_returns_the_contracted_exit_codes()
    {
        Assert.Equal(1, CliHarness.Process("check", "spec/examples/water_jug.yaml", "--quiet").Exit);
        Assert.Equal(0, CliHarness.Process("check", "spec/examples/peterson.yaml", "--quiet").Exit);
        var bad = CliHarness.Process("check", "tests/Formal.Spec.Tests/Golden/errors/shape.yaml");
        Assert.Equal(2, bad.Exit);
        Assert.Contains("\ntests/Formal.Spec.Tests/Golden/errors/shape.yaml:3:3: error: 'variables' must be a mapping", bad.Err, StringComparison.Ordinal);
        Assert.Equal(3, CliHarness.Process("check", "spec/examples/counters.yaml", "--max-depth", "2", "--quiet").Exit);
    }
}
