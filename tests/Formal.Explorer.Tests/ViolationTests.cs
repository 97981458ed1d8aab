using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// Violations and their shortest traces, including planted bugs in the examples.
public class ViolationTests
{
    [Fact]
    public void Water_jug_shortest_solution_is_found_and_rendered()
    {
        var r = ExplorerHarness.RunExample("water_jug");
        Assert.Equal(Verdict.Violation, r.Verdict);
        var t = r.Trace!;
        Assert.Equal(6, t.Length);
        Assert.Equal(["FillBig", "BigToSmall", "EmptySmall", "BigToSmall", "FillBig", "BigToSmall"], t.Steps.Skip(1).Select(s => s.Label!.Action));
        Assert.Equal(("NotFourGallons", ViolationKind.Invariant), (t.Violation.Property, t.Violation.Kind));
        Repo.Golden("tests/Formal.Explorer.Tests/Golden/water_jug.trace.txt", TraceText.Render(t));
    }

    [Fact]
    public void Peterson_with_turn_set_before_flag_breaks_mutual_exclusion_in_8_steps()
    {
        // The classic wrong order: announce the turn first, then raise the flag.
        var r = ExplorerHarness.RunMutant("peterson", [(
            """
              SetFlag:
                params: { i: Pid }
                guard: pc[i] == set_flag
                update: { "flag[i]": true, "pc[i]": set_turn }
              SetTurn:
                params: { i: Pid }
                guard: pc[i] == set_turn
                update: { turn: 1 - i, "pc[i]": waiting }
            """,
            """
              SetFlag:
                params: { i: Pid }
                guard: pc[i] == set_flag
                update: { turn: 1 - i, "pc[i]": set_turn }
              SetTurn:
                params: { i: Pid }
                guard: pc[i] == set_turn
                update: { "flag[i]": true, "pc[i]": waiting }
            """), ("flag[i] <=> pc[i] in {set_turn, waiting, critical}", "true")]);
        Assert.Equal(Verdict.Violation, r.Verdict);
        Assert.Equal("MutualExclusion", r.Trace!.Violation.Property);
        Assert.Equal(8, r.Trace.Length);
        Assert.Equal(9, r.Stats.Depth);
    }

    [Fact]
    public void Peterson_waiting_only_on_the_flag_deadlocks_after_6_steps()
    {
        var r = ExplorerHarness.RunMutant("peterson", "\"not flag[1 - i] or turn == i\"", "\"not flag[1 - i]\"");
        Assert.Equal(Verdict.Violation, r.Verdict);
        Assert.Equal(ViolationKind.Deadlock, r.Trace!.Violation.Kind);
        Assert.Equal(6, r.Trace.Length);
        Assert.All(r.Trace.Steps[^1].State.Single(v => v.Name == "pc").Value.Show().Split(", "), p => Assert.Contains("waiting", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Two_phase_commit_without_waiting_for_all_prepared_is_inconsistent_and_names_the_witnesses()
    {
        // The lemma that records the guard goes too (it would fail first, one step earlier).
        var r = ExplorerHarness.RunMutant("two_phase_commit", [("guard: [tm == tm_init, tm_prepared == RM]", "guard: [tm == tm_init]"),
            ("CommitAfterAllPrepared: \"tm == tm_committed => tm_prepared == RM\"", "CommitAfterAllPrepared: \"true\"")]);
        Assert.Equal(Verdict.Violation, r.Verdict);
        var v = r.Trace!.Violation;
        Assert.Equal("TMConsistent", v.Property);
        Assert.Equal(0, v.Conjunct);
        // TMCommit (no longer waits for every prepared message), then a working RM aborts.
        Assert.Equal(["TMCommit", "RMChooseToAbort"], r.Trace.Steps.Skip(1).Select(s => s.Label!.Action));
        Assert.Contains("for r=", v.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assertions_inside_actions_fail_with_the_failing_step()
    {
        var r = ExplorerHarness.Run(SpecHarness.Load("""
            spec: t
            variables: { x: 0..9 }
            init: { x: 0 }
            actions:
              Inc:
                params: { d: 1..2 }
                do: ["x := x + d", "assert x != 3"]
            """));
        var t = r.Trace!;
        Assert.Equal(ViolationKind.Assertion, t.Violation.Kind);
        Assert.Equal(2, t.Length);
        Assert.Equal("Inc(d=2)", t.FailingStep!.Show());
        Assert.Equal("x = 1", string.Join(", ", t.Steps[^1].State.Select(s => $"{s.Name} = {s.Value.Show()}")));
        Assert.Equal(7, t.Violation.Span!.Value.Line);
    }

    [Theory]
    [InlineData("Bad", "Fails", ViolationKind.Invariant, "Bad")]
    [InlineData("Fails", "Bad", ViolationKind.Assertion, "Fails")]
    public void Of_a_parent_s_steps_the_first_in_order_is_reported(string first, string second, ViolationKind kind, string step)
    {
        // Successors may be handed over after all of a parent's actions ran; an assertion that
        // fails in a later action must not overtake an invariant broken by an earlier one.
        var r = ExplorerHarness.Run(SpecHarness.Load($$"""
            spec: t
            variables: { x: 0..9 }
            init: { x: 0 }
            actions:
              {{first}}: { do: [{{Body(first)}}] }
              {{second}}: { do: [{{Body(second)}}] }
            invariants:
              Small: x < 5
            """));
        var t = r.Trace!;
        Assert.Equal(kind, t.Violation.Kind);
        Assert.Equal(step, kind == ViolationKind.Assertion ? t.FailingStep!.Action : t.Steps[^1].Label!.Action);
    }

    private static string Body(string action) => action == "Bad" ? "\"x := 7\"" : "\"x := 1\", \"assert x == 0\"";

    [Fact]
    public void A_state_with_hundreds_of_successors_is_expanded_whole()
    {
        // 300 successors per state (the generator holds a parent's successors back until its
        // actions have run; that buffer starts at 64): every one of the 300 x 2 states is found.
        var r = ExplorerHarness.Run(SpecHarness.Load("""
            spec: t
            variables: { x: 0..299, flip: bool }
            init: { x: 0, flip: false }
            actions:
              Set:
                params: { v: 0..299 }
                update: { x: v }
              Flip: { update: { flip: not flip } }
            """));
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal(600, r.Stats.Distinct);
        Assert.Equal(1 + 600L * 301, r.Stats.Generated); // and the initial state
    }

    [Fact]
    public void Run_time_errors_are_violations_with_their_trace()
    {
        var r = ExplorerHarness.Run(SpecHarness.Load("""
            spec: t
            variables: { x: 0..3 }
            init: { x: 0 }
            actions:
              Inc: { update: { x: x + 1 } }
            """));
        var t = r.Trace!;
        Assert.Equal(ViolationKind.Error, t.Violation.Kind);
        Assert.Equal("value 4 is outside the range 0..3", t.Violation.Message);
        Assert.Equal(4, t.Length);
        Assert.Equal("Inc", t.FailingStep!.Action);
    }

    [Fact]
    public void A_run_time_error_in_a_guard_names_the_first_failing_parameters()
    {
        // The second guard mentions only p, so it is evaluated once per p, before q's loop; the
        // step it reports must still be the first full combination that reaches it: (1, 0),
        // not q's value left over from p = 0.
        var r = ExplorerHarness.Run(SpecHarness.Load("""
            spec: t
            variables: { x: option(0..3), y: 0..3 }
            init: { x: none, y: 0 }
            actions:
              A:
                params: { p: 0..2, q: 0..2 }
                guard: ["p <= 1", "p == 1 => x.value > 0"]
                update: { y: q }
            """));
        var t = r.Trace!;
        Assert.Equal(ViolationKind.Error, t.Violation.Kind);
        Assert.Equal("A(p=1, q=0)", t.FailingStep!.Show());
    }

    [Fact]
    public void Max_depth_makes_the_result_inconclusive()
    {
        var r = ExplorerHarness.Run(SpecHarness.LoadFile(Repo.Example("counters")), new ExploreOptions { MaxDepth = 3 });
        Assert.Equal(Verdict.Inconclusive, r.Verdict);
        Assert.Equal(3, r.Stats.Depth);
        Assert.Equal(1 + 3 + 6, r.Stats.Distinct);
        Assert.Contains("--max-depth", r.InconclusiveReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Exhausted_pools_are_counted_not_reported_as_errors()
    {
        var r = ExplorerHarness.Run(SpecHarness.Load("""
            spec: t
            types: { Obj: { pool: 2, symmetric: true } }
            variables: { used: set(Obj) }
            init: { used: "{}" }
            actions:
              New: { do: ["alloc o in Obj where o notin used", "used := used union {o}"] }
              Free: { do: ["choose o in used", "used := used diff {o}"] }
            """));
        Assert.Equal(Verdict.Ok, r.Verdict);
        // {}, {Obj0} ~ {Obj1}, {Obj0, Obj1}: three orbits under the symmetric pool.
        Assert.Equal(3, r.Stats.Distinct);
        Assert.Equal(1, r.BoundHits["Obj"]);
    }

    [Fact]
    public void Traces_are_deterministic()
    {
        string Once()
        {
            var t = ExplorerHarness.RunMutant("two_phase_commit", "guard: [tm == tm_init, tm_prepared == RM]", "guard: [tm == tm_init]").Trace!;
            using var ms = new MemoryStream();
            using (var w = new System.Text.Json.Utf8JsonWriter(ms)) TraceJson.Write(w, t);
            return System.Text.Encoding.UTF8.GetString(ms.ToArray());
        }
        Assert.Equal(Once(), Once());
    }

    [Fact]
    public void A_violating_initial_state_is_a_trace_of_length_zero()
    {
        var r = ExplorerHarness.Run(SpecHarness.Load("""
            spec: t
            variables: { x: 0..3 }
            init: ["choose v in 0..3", "x := v"]
            invariants: { Small: x < 2 }
            """));
        Assert.Equal(0, r.Trace!.Length);
        Assert.Equal("x = 2", string.Join(", ", r.Trace.Steps[0].State.Select(s => $"{s.Name} = {s.Value.Show()}")));
        Assert.Equal(1, r.Stats.Depth);
    }
}
