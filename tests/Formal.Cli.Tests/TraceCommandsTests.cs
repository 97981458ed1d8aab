using System.Text.Json;
using System.Text.RegularExpressions;
using Formal.Tests;

namespace Formal.Cli.Tests;

/// show, replay, simulate, shrink and check --graph through the command line: outputs, files
/// and exit codes (0 as it says / holds, 1 violation or mismatch, 2 bad input).
public class TraceCommandsTests
{
    private static string WaterJugTrace()
    {
        var trace = CliHarness.TempFile("wj.json");
        Assert.Equal(1, CliHarness.Run("check", Repo.Example("water_jug"), "--trace", trace, "--quiet").Exit);
        return trace;
    }

    [Fact]
    public void Show_converts_a_trace_to_every_format()
    {
        var trace = WaterJugTrace();
        var text = CliHarness.Run("show", trace);
        Assert.Equal(0, text.Exit);
        Assert.StartsWith($"Trace of water_jug ({Repo.Example("water_jug")}, SMALL=3, BIG=5)\ninvariant NotFourGallons is violated: big != 4 (after 6 steps)\nState 0 (initial):", text.Out.Replace("\r\n", "\n"), StringComparison.Ordinal);

        var itf = CliHarness.Run("show", trace, "--format", "itf");
        using (var doc = JsonDocument.Parse(itf.Out))
            Assert.Equal(7, doc.RootElement.GetProperty("states").GetArrayLength());

        var dot = CliHarness.Run("show", trace, "--format", "dot", "--step", "2");
        Assert.StartsWith("digraph state {", dot.Out, StringComparison.Ordinal);
        Assert.Contains("state 2, after BigToSmall", dot.Out, StringComparison.Ordinal);

        var html = CliHarness.TempFile("r.html");
        Assert.Equal(0, CliHarness.Run("show", trace, "--format", "html", "-o", html).Exit);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(html), StringComparison.Ordinal);
        File.Delete(html);
        File.Delete(trace);
    }

    [Fact]
    public void A_counterexample_saved_as_a_scenario_replays_to_the_same_violation()
    {
        var trace = WaterJugTrace();
        var scenario = CliHarness.TempFile("wj.yaml");
        Assert.Equal(0, CliHarness.Run("show", trace, "--format", "scenario", "-o", scenario).Exit);
        var r = CliHarness.Run("replay", scenario, "--quiet");
        Assert.Equal(0, r.Exit);
        Assert.Contains("Observed: invariant NotFourGallons is violated: big != 4, at step 6", r.Out, StringComparison.Ordinal);
        Assert.Contains("Result: the scenario behaves as it says.", r.Out, StringComparison.Ordinal);
        File.Delete(trace);
        File.Delete(scenario);
    }

    [Fact]
    public void Replay_exits_1_with_the_differences_when_the_scenario_misbehaves()
    {
        var scenario = CliHarness.TempFile("s.yaml");
        File.WriteAllText(scenario, $"scenario: s\nspec: {Repo.Example("water_jug")}\nsteps: [FillBig, BigToSmall]\nexpect: {{ violation: {{ kind: invariant, property: NotFourGallons }} }}\n");
        var r = CliHarness.Run("replay", scenario, "--quiet");
        Assert.Equal(1, r.Exit);
        Assert.Contains("Result: the scenario does not behave as it says:\n  - expected NotFourGallons (invariant), but all 2 steps ran without a violation", r.Out.Replace("\r\n", "\n"), StringComparison.Ordinal);
        File.Delete(scenario);
    }

    [Fact]
    public void Bad_input_exits_2_with_positions_and_no_stack_trace()
    {
        var scenario = CliHarness.TempFile("bad.yaml");
        File.WriteAllText(scenario, $"scenario: s\nspec: {Repo.Example("water_jug")}\nsteps:\n  - FillBig(amount=3)\nexpect: {{ violation: none }}\n");
        var r = CliHarness.Run("replay", scenario);
        Assert.Equal(2, r.Exit);
        Assert.Equal($"{scenario}:4:13: error: FillBig has no parameter 'amount' (it takes none)\n1 error\n", r.Err.Replace("\r\n", "\n"));

        var trace = CliHarness.TempFile("bad.json");
        File.WriteAllText(trace, "{\"format\": \"formal-trace/2\"}");
        var s = CliHarness.Run("show", trace);
        Assert.Equal(2, s.Exit);
        Assert.StartsWith($"{trace}:1:12: error: unsupported trace format 'formal-trace/2'", s.Err, StringComparison.Ordinal);

        Assert.Equal(2, CliHarness.Run("show", trace, "--format", "svg").Exit);
        var ruleSet = CliHarness.Run("replay", Repo.Path("scenarios", "water_jug_four_gallons.yaml"), "--rule-set", "v2");
        Assert.Equal(2, ruleSet.Exit);
        Assert.Contains("no rule set named 'v2'", ruleSet.Err, StringComparison.Ordinal);
        File.Delete(scenario);
        File.Delete(trace);
    }

    [Fact]
    public void The_executable_reports_a_bad_scenario_without_a_stack_trace()
    {
        var scenario = CliHarness.TempFile("bad.yaml");
        File.WriteAllText(scenario, "scenario: s\nspec: spec/examples/water_jug.yaml\nsteps: [\"FillBig(\"]\nexpect: { violation: none }\n");
        var r = CliHarness.Process("replay", scenario);
        Assert.Equal(2, r.Exit);
        Assert.Matches(@"bad\.yaml:3:\d+: error: expected NAME=VALUE", r.Err);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        File.Delete(scenario);
    }

    private static string Summary(string json) => Regex.Replace(File.ReadAllText(json), "\"(elapsed_s|steps_per_s)\": [0-9.E+-]+", "\"$1\": 0");

    [Fact]
    public void Simulate_is_deterministic_for_a_seed_and_reports_how_to_reproduce()
    {
        var (j1, j2, t1) = (CliHarness.TempFile("a.json"), CliHarness.TempFile("b.json"), CliHarness.TempFile("t.json"));
        var a = CliHarness.Run("simulate", Repo.Example("water_jug"), "--seed", "0", "--json", j1, "--trace", t1);
        var b = CliHarness.Run("simulate", Repo.Example("water_jug"), "--seed", "0", "--json", j2);
        Assert.Equal(1, a.Exit);
        Assert.Equal(Summary(j1), Summary(j2));
        Assert.Contains("Found in walk 13 after 92 steps; reproduce this walk with --seed 13 --runs 1.", a.Out, StringComparison.Ordinal);
        Assert.Contains("Shrunk from 92 to 6 steps", a.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(j1));
        Assert.Equal(13, doc.RootElement.GetProperty("walk_seed").GetInt64());
        Assert.Equal(6, doc.RootElement.GetProperty("violation").GetProperty("length").GetInt32());
        var shown = CliHarness.Run("show", t1, "--format", "scenario");
        Assert.Equal(0, shown.Exit);
        Assert.Contains("violation: { kind: invariant, property: NotFourGallons, step: 6 }", shown.Out, StringComparison.Ordinal);
        foreach (var f in new[] { j1, j2, t1 }) File.Delete(f);
    }

    [Fact]
    public void Simulate_of_a_spec_that_holds_exits_0()
    {
        var r = CliHarness.Run("simulate", Repo.Example("peterson"), "--runs", "50", "--steps", "30", "--seed", "5");
        Assert.Equal(0, r.Exit);
        Assert.Contains("Result: no violation in 50 walks", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Shrink_turns_a_padded_scenario_into_the_shortest_one()
    {
        var scenario = CliHarness.TempFile("padded.yaml");
        var output = CliHarness.TempFile("small.yaml");
        File.WriteAllText(scenario, $"""
            scenario: padded
            spec: {Repo.Example("water_jug")}
            steps: [FillSmall, EmptySmall, FillBig, EmptyBig, FillBig, BigToSmall, EmptySmall, SmallToBig, BigToSmall, FillBig, FillBig, BigToSmall]
            expect: {"{"} violation: {"{"} kind: invariant, property: NotFourGallons {"}"} {"}"}
            """);
        var r = CliHarness.Run("shrink", scenario, "-o", output);
        Assert.Equal(0, r.Exit);
        Assert.StartsWith($"Shrunk {scenario} from 12 to 6 steps", r.Out, StringComparison.Ordinal);
        var text = File.ReadAllText(output);
        Assert.Contains("steps:\n  - FillBig\n  - BigToSmall\n  - EmptySmall\n  - BigToSmall\n  - FillBig\n  - BigToSmall\n", text.Replace("\r\n", "\n"), StringComparison.Ordinal);
        Assert.Equal(0, CliHarness.Run("replay", output, "--quiet").Exit);
        File.Delete(scenario);
        File.Delete(output);
    }

    [Fact]
    public void Check_graph_writes_dot_runs_analyses_and_refuses_large_graphs()
    {
        var dot = CliHarness.TempFile("g.dot");
        var r = CliHarness.Run("check", Repo.Example("two_phase_commit"), "--config", "one", "--graph", dot, "--scc",
            "--never-again", "tm == tm_init", "--path-from", "tm == tm_init", "--path-to", "tm == tm_committed", "--quiet");
        Assert.Equal(0, r.Exit);
        Assert.Contains("State graph: 12 states, 19 transitions.", r.Out, StringComparison.Ordinal);
        Assert.Contains("Strongly connected components: 12 (5 cyclic, 4 terminal).", r.Out, StringComparison.Ordinal);
        Assert.Contains("States from which \"tm == tm_init\" can never again hold: 8 of 12.", r.Out, StringComparison.Ordinal);
        Assert.Contains("Shortest path from \"tm == tm_init\" to \"tm == tm_committed\": 1 step", r.Out, StringComparison.Ordinal);
        Assert.StartsWith("digraph \"two_phase_commit\" {", File.ReadAllText(dot), StringComparison.Ordinal);
        File.Delete(dot);

        var big = CliHarness.Run("check", Repo.Example("two_phase_commit"), "--scc", "--graph-limit", "10", "--quiet");
        Assert.Equal(2, big.Exit);
        Assert.Contains("the state graph has more than 10 states", big.Err, StringComparison.Ordinal);

        var bad = CliHarness.Run("check", Repo.Example("two_phase_commit"), "--never-again", "tm == tm_nit");
        Assert.Equal(2, bad.Exit);
        Assert.StartsWith("--never-again:1:7: error: unknown name 'tm_nit'", bad.Err, StringComparison.Ordinal);
    }
}
