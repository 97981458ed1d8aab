using Formal.Explorer.Bfs;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// State counts of the examples, as computed by the independent programs in tools/oracles/.
public class ExampleCountTests
{
    [Fact]
    public void Water_jug_has_16_reachable_states() =>
        Assert.Equal(16, ExplorerHarness.RunWithoutInvariants("water_jug").Stats.Distinct);

    [Fact]
    public void Peterson_holds_with_34_states_depth_10_and_no_deadlock()
    {
        var r = ExplorerHarness.RunExample("peterson");
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal((34L, 10, 63L), (r.Stats.Distinct, r.Stats.Depth, r.Stats.Generated));
    }

    [Theory]
    [InlineData("one", 12, 5, 20)]
    [InlineData("two", 56, 8, 154)]
    [InlineData("default", 288, 11, 1146)]
    [InlineData("four", 1568, 14, 8258)]
    public void Two_phase_commit_matches_the_oracle(string config, long distinct, int depth, long generated)
    {
        var r = ExplorerHarness.RunExample("two_phase_commit", config);
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal((distinct, depth, generated), (r.Stats.Distinct, r.Stats.Depth, r.Stats.Generated));
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(2, 5)]
    [InlineData(4, 3)]
    [InlineData(5, 5)]
    [InlineData(5, 8)]
    public void Counters_have_exactly_M_to_the_N_states(int n, int m)
    {
        var r = ExplorerHarness.RunExample("counters", null, ("N", n), ("M", m));
        long states = (long)Math.Pow(m, n);
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal((states, n * (m - 1) + 1, n * states + 1), (r.Stats.Distinct, r.Stats.Depth, r.Stats.Generated));
    }

    [Theory]
    [InlineData(2, 13, 5, 23)]
    [InlineData(3, 45, 7, 112)]
    [InlineData(4, 161, 9, 533)]
    [InlineData(5, 573, 11, 2366)]
    [InlineData(6, 2041, 13, 10111)]
    [InlineData(8, 25889, 17, 170985)]
    public void Philosophers_match_the_oracle(int n, long distinct, int depth, long generated)
    {
        var r = ExplorerHarness.RunExample("philosophers", null, ("N", n));
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal((distinct, depth, generated), (r.Stats.Distinct, r.Stats.Depth, r.Stats.Generated));
    }

    [Fact]
    public void Philosophers_who_all_hold_their_left_fork_deadlock()
    {
        var r = ExplorerHarness.Run(SpecHarness.LoadFile(Repo.Example("philosophers")), new ExploreOptions { CheckDeadlock = true });
        Assert.Equal(Verdict.Violation, r.Verdict);
        Assert.Equal(10, r.Trace!.Length);
        Assert.All(r.Trace.Steps.Skip(1), s => Assert.True(s.Label!.Action is "GetHungry" or "TakeLeft"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Ten_philosophers_match_the_oracle()
    {
        var r = ExplorerHarness.RunExample("philosophers", null, ("N", 10));
        Assert.Equal((328_393L, 21, 2_711_091L), (r.Stats.Distinct, r.Stats.Depth, r.Stats.Generated));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Twelve_philosophers_match_the_oracle()
    {
        var r = ExplorerHarness.RunExample("philosophers", "bench");
        Assert.Equal((4_165_553L, 25, 41_267_101L), (r.Stats.Distinct, r.Stats.Depth, r.Stats.Generated));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Seven_counters_modulo_nine_have_4782969_states()
    {
        var r = ExplorerHarness.RunExample("counters", "bench");
        Assert.Equal((4_782_969L, 57), (r.Stats.Distinct, r.Stats.Depth));
    }
}
