using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// Replaying a path another engine claims: the evaluator decides every state and the violation.
public class PathReplayTests
{
    // From x = 1, Boom (enumerated first) fails; Inc reaches x = 2, which breaks NotTwo.
    private const string Spec = """
        spec: t
        variables: { x: 0..3 }
        init: { x: 0 }
        actions:
          Boom: { guard: x == 1, update: { x: x + 5 } }
          Inc: { guard: x < 3, update: { x: x + 1 } }
        invariants:
          NotTwo: x != 2
        """;

    private static (SpecTransitionSystem Ts, List<ulong[]> States) Chain(string spec = Spec)
    {
        var ts = new SpecTransitionSystem(SpecHarness.Load(spec));
        var gen = ts.NewGenerator();
        var first = new First();
        gen.Initial(first);
        var states = new List<ulong[]> { first.State! };
        for (int i = 0; i < 2; i++)
        {
            var next = new First();
            try { gen.Successors(states[^1], next); } catch (EvalError) { }
            states.Add(next.State!);
        }
        return (ts, states);
    }

    private static StepLabel Inc => new("Inc", default, default);

    [Fact]
    public void A_claimed_path_replays_into_the_explorers_trace()
    {
        var (ts, s) = Chain(Spec.Replace("guard: x == 1", "guard: false", StringComparison.Ordinal));
        var path = new ClaimedPath(true, [new(null, s[0]), new(Inc, s[1]), new(Inc, s[2])], ClaimedEnd.BadState);
        var t = PathReplay.Replay(ts, path).Trace!;
        Assert.Equal((ViolationKind.Invariant, "NotTwo", 2), (t.Violation.Kind, t.Violation.Property, t.Length));
        Assert.Equal(["Inc", "Inc"], t.Steps.Skip(1).Select(x => x.Label!.Action));
    }

    [Fact]
    public void A_claimed_bad_end_that_is_not_bad_is_a_divergence()
    {
        var (ts, s) = Chain();
        var path = new ClaimedPath(true, [new(null, s[0]), new(Inc, s[1])], ClaimedEnd.BadState);
        var outcome = PathReplay.Replay(ts, path);
        Assert.Null(outcome.Trace);
        Assert.Equal("the last claimed state satisfies every invariant and has a successor", outcome.Divergence);
    }

    [Fact]
    public void Another_failing_step_at_the_last_depth_is_reported_as_the_real_violation()
    {
        var (ts, s) = Chain();
        var path = new ClaimedPath(true, [new(null, s[0]), new(Inc, s[1]), new(Inc, s[2])], ClaimedEnd.BadState);
        var t = PathReplay.Replay(ts, path).Trace!;
        // The enumeration meets Boom's range error before Inc's bad state: same length, also real.
        Assert.Equal((ViolationKind.Error, "Boom", 2), (t.Violation.Kind, t.FailingStep!.Action, t.Length));
    }

    [Fact]
    public void A_state_that_is_not_what_the_evaluator_computes_is_a_divergence()
    {
        var (ts, s) = Chain();
        var path = new ClaimedPath(true, [new(null, s[0]), new(Inc, s[0])], ClaimedEnd.BadState);
        Assert.Equal("step 1: no successor labelled Inc reaches the claimed state", PathReplay.Replay(ts, path).Divergence);
    }

    [Fact]
    public void A_path_from_an_arbitrary_state_replays_its_steps_and_end()
    {
        var (ts, s) = Chain();
        // From x = 1 (not initial, as in a counterexample to induction) Inc breaks NotTwo, but
        // Boom fails first in the enumeration: that is the counterexample reported.
        var t = PathReplay.Replay(ts, new ClaimedPath(false, [new(null, s[1]), new(Inc, s[2])], ClaimedEnd.BadState)).Trace!;
        Assert.Equal((ViolationKind.Error, 1), (t.Violation.Kind, t.Length));
        Assert.Equal("x = 1", string.Join(", ", t.Steps[0].State.Select(v => $"{v.Name} = {v.Value.Show()}")));
    }

    private sealed class First : IStateVisitor
    {
        public ulong[]? State;
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fp) { if (g.CurrentLabel().Action is "init" or "Inc") State ??= packed.ToArray(); }
        public void OnAssertion(IStateGenerator g, string a, SourceSpan s) { }
        public void OnBoundReached(IStateGenerator g, string p) { }
    }
}
