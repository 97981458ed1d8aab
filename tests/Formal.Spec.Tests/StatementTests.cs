using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Spec.Tests;

/// Statement semantics: successors of the initial state under one action, on the IL evaluator
/// (and on the closures in <see cref="ClosureStatementTests"/>).
public class StatementTests
{
    protected virtual Evaluator Evaluator => Evaluator.Il;

    private (List<string> States, SpecHarness.Collector C) Successors(string yaml)
    {
        var ts = new SpecTransitionSystem(SpecHarness.Load(yaml), evaluator: Evaluator);
        var init = new InitCapture();
        var g = ts.NewGenerator();
        g.Initial(init);
        var c = new SpecHarness.Collector(ts);
        g.RecordChoices = true;
        g.Successors(init.State!, c);
        return (c.States.Select(s => string.Join(" ", s.Select(v => $"{v.Name}={v.Value.Show()}"))).ToList(), c);
    }

    private sealed class InitCapture : IStateVisitor
    {
        public ulong[]? State;
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fp) => State ??= packed.ToArray();
        public void OnAssertion(IStateGenerator g, string a, Formal.Spec.Diagnostics.SourceSpan s) { }
        public void OnBoundReached(IStateGenerator g, string p) { }
    }

    [Fact]
    public void Sequential_statements_see_earlier_writes_and_update_blocks_do_not()
    {
        var (seq, _) = Successors("""
            spec: t
            variables: { x: 0..9, y: 0..9 }
            init: { x: 1, y: 2 }
            actions:
              Seq: { do: ["x := y", "y := x"] }
              Par: { update: { x: y, y: x } }
            """);
        Assert.Equal(["x=2 y=2", "x=2 y=1"], seq);
    }

    [Fact]
    public void Choose_branches_once_per_candidate_and_undoes_between_branches()
    {
        var (states, c) = Successors("""
            spec: t
            variables: { x: 0..9, s: set(0..9) }
            init: { x: 0, s: "{}" }
            actions:
              Pick:
                do:
                  - choose v in 1..3 where v != 2
                  - x := v
                  - s := s union {v}
            """);
        Assert.Equal(["x=1 s={1}", "x=3 s={3}"], states);
        Assert.Equal(["Pick choosing v=1", "Pick choosing v=3"], c.Labels);
    }

    [Fact]
    public void Either_runs_each_branch_from_the_same_state()
    {
        var (states, _) = Successors("""
            spec: t
            variables: { x: 0..9 }
            init: { x: 5 }
            actions:
              Step:
                do:
                  - either:
                      - ["x := x + 1"]
                      - ["x := x - 1"]
                      - ["require false"]
            """);
        Assert.Equal(["x=6", "x=4"], states);
    }

    [Fact]
    public void Params_are_enumerated_in_order_and_guards_disable()
    {
        var (states, c) = Successors("""
            spec: t
            variables: { x: 0..9 }
            init: { x: 0 }
            actions:
              Set:
                params: { a: 0..2, b: bool }
                guard: "b or a == 1"
                update: { x: "a + 5" }
            """);
        Assert.Equal(["x=5", "x=6", "x=6", "x=7"], states);
        Assert.Equal(["Set(a=0, b=true)", "Set(a=1, b=false)", "Set(a=1, b=true)", "Set(a=2, b=true)"], c.Labels);
    }

    // Guards whose quantifiers unroll into more blocks than the JIT optimises: the action is
    // compiled with a level of its parameters apart (on the IL evaluator), and must enumerate
    // the same steps in the same order. The quantified guards always hold (s = {1, 2}) except
    // where they say so.
    [Theory]
    [InlineData("0..3", "(i in s and j in s) => i + j < 3 + c")] // 64 combinations: unrolled
    [InlineData("0..4", "i + j + k != b + c + 30")]                 // 125: loops
    public void An_action_too_large_for_one_delegate_runs_the_same_steps(string domain, string big)
    {
        string quantified = big.Contains('k') ? "forall i in 0..7, j in 0..7, k in 0..7" : "forall i in 0..7, j in 0..7";
        var yaml = $$"""
            spec: t
            variables: { x: 0..31, s: set(0..7) }
            init: { x: 0, s: "{1, 2}" }
            actions:
              Pick:
                params: { a: {{domain}}, b: {{domain}}, c: {{domain}} }
                guard:
                  - "forall i in 0..7, j in 0..7, k in 0..7: i + j + k != a + 30"
                  - "a + b == c"
                  - "{{quantified}}: {{big}}"
                update: { x: "4 * a + b" }
            """;
        var (states, c) = Successors(yaml);
        int n = domain == "0..3" ? 4 : 5;
        var expected = new List<string>();
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                for (int cc = 0; cc < n; cc++)
                    if (a + b == cc && (n == 5 || cc >= 2)) expected.Add($"Pick(a={a}, b={b}, c={cc})");
        Assert.Equal(expected, c.Labels);
        Assert.Equal(expected.Count, states.Count);
        if (Evaluator == Evaluator.Il)
        {
            var parts = new SpecTransitionSystem(SpecHarness.Load(yaml), evaluator: Evaluator).Compiled.Parts;
            Assert.Contains(parts, p => p.Method.Name.StartsWith("Pick_level", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Alloc_takes_the_lowest_free_object_and_reports_exhaustion()
    {
        var (states, c) = Successors("""
            spec: t
            types: { Obj: { pool: 2, symmetric: true } }
            variables: { used: set(Obj), last: option(Obj) }
            init:
              - "used := {}"
              - alloc o in Obj
              - "used := {o}"
            actions:
              New:
                do:
                  - alloc o in Obj where o notin used
                  - used := used union {o}
                  - last := some(o)
              NewTwo:
                do:
                  - alloc o in Obj where o notin used
                  - used := used union {o}
                  - alloc p in Obj where p notin used
                  - last := some(p)
            """);
        Assert.Equal(["used={Obj0, Obj1} last=Obj1"], states);
        Assert.Equal(["Obj"], c.Bounds);
    }

    [Fact]
    public void For_loops_iterate_in_order_and_may_branch_inside()
    {
        var (states, _) = Successors("""
            spec: t
            variables: { s: "seq(0..9, 4)" }
            init: { s: "[]" }
            actions:
              Fill:
                do:
                  - for: i in {3, 1, 2} where i != 2
                    do:
                      - either:
                          - ["s := append(s, i)"]
                          - ["s := append(s, i + 5)"]
            """);
        Assert.Equal(["s=[1, 3]", "s=[1, 8]", "s=[6, 3]", "s=[6, 8]"], states);
    }

    [Fact]
    public void Procedures_are_called_with_arguments_and_may_require()
    {
        var (states, _) = Successors("""
            spec: t
            variables: { m: 0..2 -> 0..9 }
            init: { m: "[i in 0..2 -> i]" }
            procedures:
              "bump(k: 0..2, by: 0..9)":
                - require m[k] + by <= 9
                - m[k] := m[k] + by
            actions:
              Twice:
                params: { k: 0..2 }
                do: ["bump(k, 4)", "bump(k, 4)"]
            """);
        Assert.Equal(["m=[0 -> 8, 1 -> 1, 2 -> 2]", "m=[0 -> 0, 1 -> 9, 2 -> 2]"], states);
    }

    [Fact]
    public void An_either_whose_other_branches_require_a_false_constant_runs_its_live_branch()
    {
        // The IL compiles such an either as a plain sequence (no choice point); the closures try
        // every branch. Both give the same successors, in order, with the branch recorded.
        var (states, c) = Successors("""
            spec: t
            constants:
              OOM: { default: false }
              LEVEL: { default: 1 }
            variables: { x: 0..9, y: 0..9 }
            init: { x: 0, y: 0 }
            actions:
              Step:
                do:
                  - either:
                      fail: ["require OOM", "x := 9"]
                      done:
                        - let a = 2
                        - either:
                            - ["require LEVEL >= 2 and not OOM", "x := 8"]
                            - ["x := a"]
                  - choose v in 1..2
                  - y := x + v
              Never:
                do:
                  - either:
                      - ["require OOM or LEVEL > 1", "x := 1"]
                      - ["require LEVEL == 0", "x := 2"]
            """);
        Assert.Equal(["x=2 y=3", "x=2 y=4"], states);
        Assert.Equal(["Step choosing Step=done, Step=2, v=1", "Step choosing Step=done, Step=2, v=2"], c.Labels);
    }

    [Fact]
    public void Lets_and_procedure_parameters_in_a_scope_without_choices_keep_their_values()
    {
        // The IL holds such locals in IL variables: used as map keys (read through their
        // slots), rebound by a second call, and read after the state they were computed from
        // changed.
        var (states, _) = Successors("""
            spec: t
            variables: { m: 0..2 -> 0..9, x: 0..9 }
            init: { m: "[i in 0..2 -> i]", x: 0 }
            procedures:
              "inc(k: 0..2)":
                - let j = (k + 1) % 3
                - let before = m[j]
                - m[j] := m[j] + 1
                - x := x + before + j
            actions:
              Step: { do: ["let a = m[2]", "inc(a)", "inc(0)", "m[a] := 7", "x := x + a"] }
            """);
        // inc(2): j = 0, before = 0, m[0] = 1, x = 0; inc(0): j = 1, before = 1, m[1] = 2,
        // x = 2; m[2] := 7; x = 2 + 2.
        Assert.Equal(["m=[0 -> 1, 1 -> 2, 2 -> 7] x=4"], states);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void A_local_read_after_a_choice_keeps_its_value_when_a_later_call_rebinds_it(int padding)
    {
        // The second call of p rebinds a inside the first call's first branch; the first call's
        // second branch must still see a = 1. With padding, the rest after the either is long
        // enough to be compiled apart, so it reads a from its slot, which must be written with
        // the trail. Locals whose scope makes no choice skip the trail: here b in q, bound
        // afresh on every call.
        var pad = string.Concat(Enumerable.Repeat("\n      - out := out + 0", padding));
        var (states, _) = Successors($$"""
            spec: t
            variables: { out: 0..20, log: set(0..9) }
            init: { out: 0, log: "{}" }
            procedures:
              "p(x: 0..3)":
                do:
                  - let a = x
                  - either:
                      one: [skip]
                      two: [skip]
                  - out := out + a
                  - q(x){{pad}}
              "q(y: 0..3)":
                do:
                  - let b = y + 4
                  - log := log union {b}
            actions:
              Twice: { do: ["p(1)", "p(2)"] }
            """);
        Assert.Equal(Enumerable.Repeat("out=3 log={5, 6}", 4), states);
    }

    [Fact]
    public void A_bound_hit_is_reported_during_its_step_to_a_visitor_that_does_not_defer()
    {
        // Refinement names the step that ran out of objects; a deferring engine (BFS) only
        // counts, and gets the counts after the state's actions ran.
        var ts = new SpecTransitionSystem(SpecHarness.Load("""
            spec: t
            types: { Obj: { pool: 1 } }
            variables: { used: set(Obj), n: 0..3 }
            init: { used: "{}", n: 0 }
            actions:
              First: { do: ["n := 1"] }
              New: { do: ["alloc o in Obj where o in used", "used := used union {o}"] }
              Last: { do: ["n := 2"] }
            """), evaluator: Evaluator);
        var init = new InitCapture();
        var g = ts.NewGenerator();
        g.Initial(init);
        var bounds = new BoundLabels(mayDefer: false);
        g.Successors(init.State!, bounds);
        Assert.Equal(["New: Obj x1"], bounds.Hits);
        var counted = new BoundLabels(mayDefer: true);
        g.Successors(init.State!, counted);
        Assert.Equal(["Obj x1"], counted.Hits);
    }

    private sealed class BoundLabels(bool mayDefer) : IStateVisitor
    {
        public readonly List<string> Hits = new();
        public bool MayDefer => mayDefer;
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fp) { }
        public void OnAssertion(IStateGenerator g, string a, Formal.Spec.Diagnostics.SourceSpan s) { }
        public void OnBoundReached(IStateGenerator g, string pool) => Hits.Add($"{g.CurrentLabel().Show()}: {pool} x1");
        public void OnBoundReached(IStateGenerator g, string pool, long count) => Hits.Add($"{pool} x{count}");
    }

    [Fact]
    public void Old_reads_the_state_before_the_action()
    {
        var (states, _) = Successors("""
            spec: t
            variables: { x: 0..9, y: 0..9 }
            init: { x: 1, y: 0 }
            actions:
              Step: { do: ["x := x + 3", "y := old(x) + x"] }
            """);
        Assert.Equal(["x=4 y=5"], states);
    }

    [Fact]
    public void Failed_assertions_are_reported_and_produce_no_successor()
    {
        var (states, c) = Successors("""
            spec: t
            variables: { x: 0..9 }
            init: { x: 1 }
            actions:
              Step:
                params: { d: 0..2 }
                do: ["x := x + d", "assert x != 2"]
            """);
        Assert.Equal(["x=1", "x=3"], states);
        Assert.Equal(["x != 2"], c.Assertions);
    }

    [Fact]
    public void Definitions_with_parameters_compose()
    {
        var v = SpecHarness.Eval("twice(inc(3))", "0..20", """
            defs:
              "inc(n: 0..20)": n + 1
              "twice(n: 0..20)": n + n
            """);
        Assert.Equal("8", v.Show());
    }

    [Fact]
    public void Composite_results_of_one_definition_used_twice_do_not_alias()
    {
        var v = SpecHarness.Eval("pair(1) == pair(2)", "bool", """
            defs:
              "pair(n: 0..9)": "{a: n, b: n + 1}"
            """);
        Assert.Equal("false", v.Show());
    }
}

/// The same statement tests on the closure evaluator.
public class ClosureStatementTests : StatementTests
{
    protected override Evaluator Evaluator => Evaluator.Closures;
}
