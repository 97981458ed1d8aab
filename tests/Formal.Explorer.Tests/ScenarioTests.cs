using Formal.Explorer.Scenarios;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// Scenario files: writing a trace as a scenario, replaying it to the same violation, and
/// reporting what differs or what is wrong in the file.
public class ScenarioTests
{
    /// Writes the trace as a scenario next to its spec and replays it.
    private static ScenarioOutcome SaveAndReplay(Trace t, out string text)
    {
        var dir = Path.GetDirectoryName(t.File)!;
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}.yaml");
        text = ScenarioWriter.Write(t, Path.GetRelativePath(Path.GetDirectoryName(path)!, t.File));
        File.WriteAllText(path, text);
        var outcome = Run(path);
        File.Delete(path);
        return outcome;
    }

    private static ScenarioOutcome Run(string path)
    {
        var diags = new DiagnosticBag();
        var outcome = ExplorerHarness.RunOnBigStack(() => ScenarioRunner.Run(path, diags));
        Assert.True(outcome is not null, string.Join("\n", diags.Items));
        return outcome!;
    }

    private static List<string> Errors(string yaml, string? specPath = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}-bad.yaml");
        File.WriteAllText(path, yaml.Replace("SPEC", specPath ?? Repo.Example("water_jug")));
        var diags = new DiagnosticBag();
        Assert.Null(ScenarioRunner.Run(path, diags));
        File.Delete(path);
        return diags.Sorted().Select(d => d.Render().Replace(path, "bad.yaml")).ToList();
    }

    private static void AssertSameViolation(Trace expected, ScenarioOutcome outcome)
    {
        Assert.True(outcome.Behaves, $"{expected.Spec} {expected.Violation.Describe()}: " + string.Join("\n", outcome.Mismatches));
        Assert.True(outcome.Behaves, string.Join("\n", outcome.Mismatches));
        var got = outcome.Replay.Trace;
        Assert.True(expected.Violation.SameAs(got.Violation), $"{expected.Violation.Describe()} vs {got.Violation.Describe()}");
        Assert.Equal(expected.Length, got.Length);
        Assert.Equal(expected.Steps.Select(s => s.State), got.Steps.Select(s => s.State));
    }

    [Fact]
    public void Water_jug_scenario_matches_the_golden_file_and_replays_to_the_same_violation()
    {
        var t = TraceHarness.Check(Repo.Example("water_jug"));
        var outcome = SaveAndReplay(t, out var text);
        AssertSameViolation(t, outcome);
        Repo.Golden("tests/Formal.Explorer.Tests/Golden/water_jug.scenario.yaml", text.Replace(Path.GetRelativePath(Path.GetTempPath(), t.File), "spec/examples/water_jug.yaml"));
    }

    [Fact]
    public void Traces_with_sets_choices_failing_steps_and_deadlocks_replay_to_the_same_violation()
    {
        var cases = new[]
        {
            TraceHarness.Check(TraceHarness.MutantFile("two_phase_commit", (TraceHarness.TpcBugFrom, TraceHarness.TpcBugTo))),
            TraceHarness.Check(TraceHarness.MutantFile("two_phase_commit", TraceHarness.TpcNoCommit), "two"),
            TraceHarness.Check(TraceHarness.MutantFile("peterson", ("\"not flag[1 - i] or turn == i\"", "\"not flag[1 - i]\""))),
            TraceHarness.Check(TraceHarness.TempSpec(TraceHarness.ChoosingSpec)),
        };
        Assert.Equal([ViolationKind.Invariant, ViolationKind.Invariant, ViolationKind.Deadlock, ViolationKind.Assertion], cases.Select(c => c.Violation.Kind));
        foreach (var t in cases) AssertSameViolation(t, SaveAndReplay(t, out _));
    }

    [Fact]
    public void The_checked_in_scenarios_behave_as_they_say()
    {
        var files = Directory.GetFiles(Repo.Path("scenarios"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.Contains(files, f => f.EndsWith("water_jug_four_gallons.yaml", StringComparison.Ordinal));
        foreach (var f in files)
        {
            var outcome = Run(f);
            Assert.True(outcome.Behaves, $"{Path.GetFileName(f)}: {string.Join("; ", outcome.Mismatches)}");
        }
    }

    [Fact]
    public void A_scenario_that_expects_something_else_lists_the_differences()
    {
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            scenario: wrong
            spec: {Repo.Example("water_jug")}
            steps: [FillBig, BigToSmall, EmptySmall, BigToSmall, FillBig, BigToSmall]
            expect:
              violation: {"{"} kind: invariant, property: NotFourGallons, step: 5 {"}"}
              final: ["small == 2"]
            """);
        var outcome = Run(path);
        Assert.Equal([
            "expected NotFourGallons (invariant) at step 5, but it happened at step 6",
            "final assertion \"small == 2\" does not hold in state 6",
        ], outcome.Mismatches);
    }

    [Fact]
    public void A_step_that_is_not_enabled_stops_the_replay()
    {
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"scenario: s\nspec: {Repo.Example("two_phase_commit")}\nconfig: one\nsteps: [\"RMPrepare(r=0)\", TMCommit]\nexpect: {{ violation: none }}\n");
        var outcome = Run(path);
        Assert.Equal(["step 2: TMCommit is not enabled in state 1"], outcome.Mismatches);
    }

    [Fact]
    public void Bad_scenario_files_give_every_error_with_its_position()
    {
        var errors = Errors("""
            scenario: bad
            spec: SPEC
            stpes: []
            steps:
              - FillBig(x=1)
              - FillBigg
              - "BigToSmall choosing"
            expect:
              violation: { kind: invariants, property: NotFourGallons }
            """);
        Assert.Equal([
            "bad.yaml:3:1: error: unknown key 'stpes' in a scenario (did you mean 'steps'?); expected one of scenario, doc, spec, config, constants, rule_sets, init, steps, expect",
            "bad.yaml:7:25: error: expected NAME=VALUE",
            "bad.yaml:9:22: error: unknown violation kind 'invariants': expected invariant, assertion, deadlock, error, kernel or refinement (did you mean 'invariant'?)",
        ], errors);
    }

    [Fact]
    public void Steps_are_checked_against_the_spec_with_positions()
    {
        var errors = Errors("""
            scenario: bad
            spec: SPEC
            config: two
            steps:
              - RMPrepare(r=7)
              - RMPrepar(r=0)
              - TMCommit(r=0)
              - RMPrepare
            expect: { violation: none, final: ["tm == 3"] }
            """, Repo.Example("two_phase_commit"));
        Assert.Equal([
            "bad.yaml:5:17: error: '7' is not a value of RMPrepare's parameter r (0..1: 0, 1)",
            "bad.yaml:6:5: error: 'RMPrepar' is not an action of spec two_phase_commit (did you mean 'RMPrepare'?); actions: TMRcvPrepared, TMCommit, TMAbort, RMPrepare, RMChooseToAbort, RMRcvCommitMsg, RMRcvAbortMsg",
            "bad.yaml:7:14: error: TMCommit has no parameter 'r' (it takes none)",
            "bad.yaml:8:5: error: RMPrepare needs the parameter 'r' (0..1); write RMPrepare(r=...)",
            "bad.yaml:9:37: error: cannot compare TmState with 3",
        ], errors.Select(e => System.Text.RegularExpressions.Regex.Replace(e, "cannot compare .*", "cannot compare TmState with 3")));
    }

    [Fact]
    public void A_missing_spec_file_is_reported_at_the_spec_key()
    {
        var errors = Errors("scenario: s\nspec: nowhere.yaml\nsteps: []\nexpect: { violation: none }\n");
        Assert.Single(errors);
        Assert.StartsWith("bad.yaml:2:7: error: spec file not found: nowhere.yaml", errors[0], StringComparison.Ordinal);
    }
}
