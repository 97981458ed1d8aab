using System.Text.Json;
using Formal.Tests;

namespace Formal.Cli.Tests;

/// `formal refine` and `formal replay --rule-set`: verdicts, counterexamples, JSON rows, traces,
/// and bad input.
public class RefineCommandTests
{
    private static readonly string Spec = Repo.Path("spec", "anon_vma.yaml");

    // One process, one page of address space: every operation, small enough to explore in a second.
    private static readonly string[] Small = ["--config", "tiny", "--const", "ADDR=1", "--const", "VMAS=1", "--const", "AVS=1"];

    // Two processes, one page: fork and its error paths.
    private static readonly string[] Fork = ["--config", "small", "--const", "ADDR=1"];

    [Fact]
    public void A_fixed_rule_set_refines_the_spec()
    {
        var json = CliHarness.TempFile("ok.json");
        var r = CliHarness.Run(["refine", Spec, "--rule-set", "V3-final", .. Small, "--json", json]);
        Assert.True(r.Exit == 0, r.Out + r.Err);
        Assert.Contains("Result: V3-final refines the spec.", r.Out);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var row = doc.RootElement.GetProperty("rule_sets")[0];
        Assert.Equal("V3-final", row.GetProperty("rule_set").GetString());
        Assert.Equal("ok", row.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("property").ValueKind);
        Assert.True(row.GetProperty("distinct_states").GetInt64() > 10);
        Assert.Equal("refine", doc.RootElement.GetProperty("command").GetString());
        Assert.Equal("ok", doc.RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public void B_2026a_is_found_with_its_shortest_trace_and_exported_as_a_replayable_trace()
    {
        var trace = CliHarness.TempFile("b2026a.json");
        var r = CliHarness.Run(["refine", Spec, "--rule-set", "V3-series-v2", .. Fork, "--trace", trace]);
        Assert.True(r.Exit == 1, r.Out + r.Err);
        Assert.Contains("V3-series-v2 (", r.Out);
        Assert.Contains("Warning in unlink_anon_vmas", r.Out);
        Assert.Contains("Shortest reference trace (4 steps): mmap(proc=Proc0, start=0, end=1, prot=", r.Out);
        Assert.Contains("inject(kind=anon_vma); fork(proc=Proc0)", r.Out);
        // The kernel view and the spec view of each step.
        Assert.Contains("kernel view:", r.Out);
        Assert.Contains("anon_vma_fork(", r.Out);
        Assert.Contains("spec view:", r.Out);
        // The trace file reads back like any other and converts to a scenario.
        var shown = CliHarness.Run("show", trace, "--format", "scenario");
        Assert.True(shown.Exit == 0, shown.Out + shown.Err);
        Assert.Contains("inject(kind=anon_vma)", shown.Out);
        Assert.Contains("kind: kernel", shown.Out);
        Assert.Contains("property: Warning", shown.Out);
    }

    [Fact]
    public void The_counterexample_scenario_replays_on_the_buggy_rule_set_and_not_on_the_fixed_one()
    {
        var trace = CliHarness.TempFile("b2026a.json");
        Assert.Equal(1, CliHarness.Run(["refine", Spec, "--rule-set", "V3-series-v2", .. Fork, "--trace", trace]).Exit);
        var scenario = CliHarness.TempFile("b2026a.yaml");
        Assert.Equal(0, CliHarness.Run("show", trace, "--format", "scenario", "-o", scenario).Exit);
        var buggy = CliHarness.Run("replay", scenario, "--rule-set", "V3-series-v2");
        Assert.True(buggy.Exit == 0, buggy.Out + buggy.Err);
        var fixedOne = CliHarness.Run("replay", scenario, "--rule-set", "V3-final");
        Assert.Equal(1, fixedOne.Exit);
        Assert.Contains("V3-final: observed: no violation after 4 steps", fixedOne.Out);
    }

    [Theory]
    [InlineData("b2026a_fork_error_path", "V3-series-v2", "V3-final")]
    [InlineData("b2026b_clone_failure_keeps_anon_vma", "V3-merged", "V3-final")]
    [InlineData("b2020b_dontcopy_first_vma", "V1p-order-fixed", "V1")]
    [InlineData("b2020c_prev_sharing_missing_link", "V1p-seed-v1", "V1")]
    [InlineData("b2026c_mremap_into_unfaulted_prev", "V2-6.16", "V2-6.16-fix")]
    public void Seed_bug_scenarios_behave_on_their_buggy_and_fixed_rule_sets(string scenario, string buggy, string fixedOne)
    {
        var path = Repo.Path("scenarios", scenario + ".yaml");
        var r = CliHarness.Run("replay", path, "--rule-set", buggy, "--rule-set", fixedOne, "--quiet");
        Assert.True(r.Exit == 0, r.Out + r.Err);
        Assert.Contains($"{buggy}: observed: ", r.Out);
        Assert.DoesNotContain($"{buggy}: observed: no violation", r.Out);
        Assert.Contains($"{fixedOne}: observed: no violation", r.Out);
        // Against the spec the scenarios describe correct behaviour.
        Assert.Equal(0, CliHarness.Run("replay", path, "--quiet").Exit);
    }

    // Kernel behaviour that refinement found the spec did not allow (spec errors, fixed): every
    // listed rule set refines these steps, the spec reaches the final state the scenario describes,
    // and the trace of that replay (with its `either` choices) converts back to a scenario.
    [Theory]
    [InlineData("copy_vma_merges_with_source", new[] { "V1", "V2-pre6.16", "V2-6.16-fix", "V3-final" })]
    [InlineData("copy_vma_three_way_merge", new[] { "V0", "V1", "V1p", "V2-pre6.16", "V2-6.16-fix", "V3-final" })]
    [InlineData("wipeonfork_prepare_two_copies", new[] { "V1p", "V1p-order-fixed", "V1", "V3-final" })]
    public void Spec_gap_scenarios_refine_on_every_listed_rule_set(string scenario, string[] ruleSets)
    {
        var path = Repo.Path("scenarios", scenario + ".yaml");
        var r = CliHarness.Run(["replay", path, .. ruleSets.SelectMany(n => new[] { "--rule-set", n }), "--quiet"]);
        Assert.True(r.Exit == 0, r.Out + r.Err);
        foreach (var n in ruleSets) Assert.Contains($"{n}: observed: no violation", r.Out);
        var trace = CliHarness.TempFile(scenario + ".json");
        var spec = CliHarness.Run("replay", path, "--trace", trace);
        Assert.True(spec.Exit == 0, spec.Out + spec.Err);
        Assert.Contains("Result: the scenario behaves as it says.", spec.Out);
        var shown = CliHarness.Run("show", trace, "--format", "scenario");
        Assert.True(shown.Exit == 0, shown.Out + shown.Err);
        Assert.Contains(scenario.StartsWith("wipe", StringComparison.Ordinal) ? "fork=prepared, w=Vma2, dup_mmap=stale" : "maybe_merge_at=merge", shown.Out);
    }

    // Every anon_vma scenario does what it says on the spec and on each rule set it names.
    [Fact]
    public void Every_scenario_behaves_as_it_says_on_the_rule_sets_it_names()
    {
        int checkedFiles = 0;
        foreach (var path in Directory.GetFiles(Repo.Path("scenarios"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var names = RuleSetNames(File.ReadAllLines(path));
            if (names.Count == 0) continue;
            var r = CliHarness.Run(["replay", path, .. names.SelectMany(n => new[] { "--rule-set", n }), "--quiet"]);
            Assert.True(r.Exit == 0, path + "\n" + r.Out + r.Err);
            Assert.Contains("behaves as it says on every rule set", r.Out);
            Assert.Equal(0, CliHarness.Run("replay", path, "--quiet").Exit);
            checkedFiles++;
        }
        Assert.True(checkedFiles >= 12, $"{checkedFiles} scenarios name rule sets");
    }

    // The keys of a scenario's `rule_sets` (a flow map, a flow list or a block map).
    private static List<string> RuleSetNames(string[] lines)
    {
        int i = Array.FindIndex(lines, l => l.StartsWith("rule_sets:", StringComparison.Ordinal));
        if (i < 0) return [];
        var rest = lines[i]["rule_sets:".Length..].Split('#')[0].Trim();
        if (rest.StartsWith('{') || rest.StartsWith('['))
            return rest.Trim('{', '}', '[', ']').Split(',').Select(e => e.Split(':')[0].Trim()).Where(e => e.Length > 0).ToList();
        return lines.Skip(i + 1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(':')[0]).Where(n => n.Length > 0 && !n.StartsWith('#')).ToList();
    }

    // One process, four pages of address space: mremap back next to an unfaulted VMA.
    private static readonly string[] Mremap4 =
        ["--config", "large", "--const", "PROCS=1", "--const", "VMAS=3", "--const", "AVS=2", "--const", "PAGES=1", "--const", "ADDR=4", "--const", "MADVISE=0", "--no-inject"];

    [Fact]
    public void B_2026c_is_found_in_v6_16_and_not_within_the_same_depth_with_its_fix()
    {
        var r = CliHarness.Run(["refine", Spec, "--rule-set", "V2-6.16", .. Mremap4]);
        Assert.True(r.Exit == 1, r.Out + r.Err);
        Assert.Contains("I1_reachability", r.Out);
        Assert.Contains("Shortest reference trace (5 steps): mmap(proc=Proc0, start=0, end=1, prot=rw); write(proc=Proc0, addr=0); " +
            "mremap(proc=Proc0, start=0, end=1, newstart=2, dontunmap=false); mmap(proc=Proc0, start=1, end=2, prot=rw); " +
            "mremap(proc=Proc0, start=2, end=3, newstart=0, dontunmap=false)", r.Out);
        var fixedOne = CliHarness.Run(["refine", Spec, "--rule-set", "V2-6.16-fix", .. Mremap4, "--max-depth", "5"]);
        Assert.True(fixedOne.Exit == 3, fixedOne.Out + fixedOne.Err);
        Assert.Contains("inconclusive: --max-depth 5 reached", fixedOne.Out);
    }

    [Fact]
    public void Bad_input_is_exit_2_with_a_message()
    {
        var r = CliHarness.Run("refine", Spec, "--rule-set", "V3-finale");
        Assert.Equal(2, r.Exit);
        Assert.Contains("no such rule set (did you mean 'V3-final'?)", r.Err);
        Assert.Equal(2, CliHarness.Run("refine", Spec).Exit);
        var missing = CliHarness.Run("refine", Spec, "--rule-set", "V3-final", "--rule-set-assembly", "/nonexistent.dll");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("--rule-set-assembly /nonexistent.dll: no such file", missing.Err);
        var replay = CliHarness.Run("replay", Repo.Path("scenarios", "b2026a_fork_error_path.yaml"), "--rule-set", "nope");
        Assert.Equal(2, replay.Exit);
        Assert.Contains("no rule set named 'nope'", replay.Err);
        var notAnonVma = CliHarness.Run("refine", Repo.Example("water_jug"), "--rule-set", "V3-final");
        Assert.Equal(2, notAnonVma.Exit);
        Assert.Contains("refinement needs the anon_vma spec", notAnonVma.Err);
    }

    [Fact]
    public void Max_depth_makes_the_run_inconclusive()
    {
        var r = CliHarness.Run(["refine", Spec, "--rule-set", "V2-6.16-fix", .. Small, "--max-depth", "1"]);
        Assert.Equal(3, r.Exit);
        Assert.Contains("inconclusive: --max-depth 1 reached", r.Out);
    }
}
