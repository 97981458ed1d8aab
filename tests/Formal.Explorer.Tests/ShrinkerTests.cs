using Formal.Explorer.Replay;
using Formal.Explorer.Shrinking;
using Formal.Explorer.Traces;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// Delta debugging: a known failing trace padded with irrelevant steps shrinks back to the known
/// shortest trace, parameters are lowered, and smaller configurations are tried.
public class ShrinkerTests
{
    private static List<StepRequest> Steps(Trace t) =>
        t.Steps.Skip(1).Select(s => s.Label).Append(t.FailingStep).OfType<StepLabel>().Select(l => StepRequest.Of(l)).ToList();

    private static StepRequest Op(string text)
    {
        int open = text.IndexOf('(');
        if (open < 0) return new StepRequest(text, default, null);
        var args = text[(open + 1)..^1].Split(", ").Select(a => (a.Split('=')[0], a.Split('=')[1]));
        return new StepRequest(text[..open], Formal.Spec.Types.EquatableArray<(string, string)>.From(args), null);
    }

    /// Inserts the padding operations after the given positions of the trace's steps.
    private static List<StepRequest> Pad(List<StepRequest> steps, params (int After, string Op)[] padding)
    {
        var result = new List<StepRequest>();
        for (int i = 0; i <= steps.Count; i++)
        {
            foreach (var p in padding.Where(p => p.After == i)) result.Add(Op(p.Op));
            if (i < steps.Count) result.Add(steps[i]);
        }
        return result;
    }

    private static ShrinkResult Shrink(string specPath, string? config, List<StepRequest> steps, Violation target, bool smallerConfigs = false)
    {
        var ir = SpecHarness.LoadFile(specPath, config);
        var options = new ShrinkOptions();
        if (smallerConfigs) options = ConfigurationSpace.For(specPath, config, options);
        return ExplorerHarness.RunOnBigStack(() => new Shrinker(options).Shrink(ir, null, steps, target));
    }

    [Fact]
    public void A_padded_water_jug_solution_shrinks_to_the_shortest_one()
    {
        var shortest = TraceHarness.Check(Repo.Example("water_jug"));
        // Padding that returns to the same state (fill then empty) or changes nothing (pour an
        // empty jug, fill a full one).
        var padded = Pad(Steps(shortest), (0, "FillSmall"), (0, "EmptySmall"), (1, "EmptyBig"), (1, "FillBig"),
            (3, "SmallToBig"), (3, "EmptySmall"), (5, "FillBig"), (5, "EmptyBig"), (5, "FillBig"));
        Assert.Equal(15, padded.Count);
        // The padding is irrelevant: the padded sequence still ends in the violation.
        var replay = new Replayer(new SpecTransitionSystem(SpecHarness.LoadFile(Repo.Example("water_jug"))), false).Run(null, padded);
        Assert.Equal(15, replay.Trace.Length);
        Assert.True(replay.Trace.Violation.SameAs(shortest.Violation));

        var r = Shrink(Repo.Example("water_jug"), null, padded, shortest.Violation);
        Assert.Equal(Steps(shortest), r.Steps.Select(s => s with { Choices = EquatableChoices(s) }).ToList());
        Assert.Equal(shortest.Steps, r.Trace.Steps);
        Assert.False(r.BudgetReached);
    }

    private static Formal.Spec.Types.EquatableArray<(string, string)>? EquatableChoices(StepRequest s) => s.Choices ?? Formal.Spec.Types.EquatableArray<(string, string)>.From([]);

    [Fact]
    public void A_padded_peterson_mutex_violation_shrinks_to_the_BFS_trace()
    {
        var spec = TraceHarness.MutantFile("peterson", TraceHarness.PetersonTurnFirst);
        var shortest = TraceHarness.Check(spec);
        Assert.Equal(8, shortest.Length);
        // A whole round of each process first (back to the initial state), and a no-op-free
        // detour in the middle: process 0 starts while process 1 is on its way.
        var round = new[] { "Start", "SetFlag", "SetTurn", "Enter", "Exit" };
        var padding = round.Select(a => (0, $"{a}(i=0)")).Concat(round.Select(a => (0, $"{a}(i=1)"))).ToArray();
        var padded = Pad(Steps(shortest), padding);
        Assert.Equal(18, padded.Count);
        var r = Shrink(spec, null, padded, shortest.Violation);
        Assert.Equal(8, r.Trace.Length);
        Assert.True(r.Trace.Violation.SameAs(shortest.Violation));
        Assert.Equal(shortest.Steps.Select(s => s.State), r.Trace.Steps.Select(s => s.State));
    }

    [Fact]
    public void Parameters_are_lowered_and_the_configuration_is_made_smaller()
    {
        // TMCommit without waiting for votes, then RM 2 aborts: with N=3 and r=2. The shrinker
        // lowers r to 0 and N to its minimum 1, where TMCommit followed by RMChooseToAbort(r=0)
        // is the shortest counterexample BFS finds too.
        // The lemma that catches the early commit one step before TMConsistent is left out.
        var spec = TraceHarness.MutantFile("two_phase_commit", (TraceHarness.TpcBugFrom, TraceHarness.TpcBugTo),
            ("  CommitAfterAllPrepared: \"tm == tm_committed => tm_prepared == RM\"\n", ""));
        var steps = new List<StepRequest> { Op("RMPrepare(r=1)"), Op("TMRcvPrepared(r=1)"), Op("TMCommit"), Op("RMChooseToAbort(r=2)") };
        var target = new Violation(ViolationKind.Invariant, "TMConsistent", "");
        var r = Shrink(spec, null, steps, target, smallerConfigs: true);
        Assert.Equal(["TMCommit", "RMChooseToAbort(r=0)"], r.Steps.Select(s => s.Show()));
        Assert.Equal(1, r.Ir.Constants.Single(c => c.Name == "N").Value.Int);
        Assert.Equal(TraceHarness.Check(spec, "one").Steps, r.Trace.Steps);
    }

    [Fact]
    public void Assertion_failures_shrink_to_the_same_assertion()
    {
        var spec = TraceHarness.TempSpec("""
            spec: t
            variables: { x: 0..9, y: 0..9 }
            init: { x: 0, y: 0 }
            actions:
              Inc: { do: ["x := x + 1", "assert x != 3"] }
              Noise: { params: { d: 1..2 }, update: { y: "(y + d) % 10" } }
            """);
        var steps = new[] { "Noise(d=2)", "Inc", "Noise(d=1)", "Inc", "Noise(d=2)", "Noise(d=2)", "Inc" }.Select(Op).ToList();
        var ir = SpecHarness.LoadFile(spec);
        var found = new Replayer(new SpecTransitionSystem(ir), false).Run(null, steps).Trace;
        Assert.Equal(ViolationKind.Assertion, found.Violation.Kind);
        var r = Shrink(spec, null, steps, found.Violation);
        Assert.Equal(["Inc", "Inc", "Inc"], r.Steps.Select(s => s.Show()));
        Assert.True(r.Trace.Violation.SameAs(found.Violation));
    }

    [Fact]
    public void A_sequence_that_does_not_fail_is_refused()
    {
        var ir = SpecHarness.LoadFile(Repo.Example("water_jug"));
        Assert.Throws<ArgumentException>(() => new Shrinker(new ShrinkOptions()).Shrink(ir, null, [Op("FillBig")], new Violation(ViolationKind.Invariant, "NotFourGallons", "")));
    }
}
