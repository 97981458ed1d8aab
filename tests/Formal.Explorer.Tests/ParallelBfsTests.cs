using Formal.Explorer.Bfs;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// Parallel BFS gives the sequential result whatever the number of workers and however the
/// threads interleave. (Every test that explores through ExplorerHarness.Run also compares one
/// sequential and one two-worker run.)
public class ParallelBfsTests
{
    private static ExploreResult Explore(Formal.Spec.Ir.SpecIr ir, int workers, ExploreOptions? options = null) =>
        ExplorerHarness.RunOnBigStack(() => new BfsExplorer(new SpecTransitionSystem(ir), (options ?? new ExploreOptions()) with { Workers = workers }).Run());

    public static TheoryData<string, string?> Examples() => new()
    {
        { "counters", null },
        { "two_phase_commit", "four" },
        { "peterson", null },
        { "water_jug", null },
        { "philosophers", null },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Any_number_of_workers_gives_the_sequential_counts_and_trace(string name, string? config)
    {
        var ir = SpecHarness.LoadFile(Repo.Example(name), config);
        var sequential = Explore(ir, 1);
        foreach (int workers in new[] { 2, 3, 4, 7 })
            ExplorerHarness.AssertSame(sequential, Explore(ir, workers));
    }

    [Fact]
    public void Repeated_parallel_runs_on_anon_vma_are_identical_to_the_sequential_run()
    {
        var ir = SpecHarness.LoadFile(Repo.Path("spec", "anon_vma.yaml"), "tiny");
        var sequential = Explore(ir, 1);
        Assert.True(sequential.BoundHits.Count > 0);
        for (int run = 0; run < 3; run++) ExplorerHarness.AssertSame(sequential, Explore(ir, run + 2));
    }

    [Fact]
    public void A_planted_bug_deep_in_a_wide_level_gives_the_sequential_shortest_trace()
    {
        // Many states per level and several violating states in the violating level: the parallel
        // search must report the one the sequential search meets first.
        var ir = SpecHarness.Load("""
            spec: t
            constants: { N: 6, M: 5 }
            types: { C: 0..N-1 }
            variables: { c: C -> 0..M-1 }
            init: { c: "[i in C -> 0]" }
            actions:
              Inc:
                params: { i: C }
                guard: c[i] < M - 1
                update: { "c[i]": "c[i] + 1" }
            invariants:
              NotTwoThrees: "card({i in C where c[i] == 3}) < 2"
            """);
        var sequential = Explore(ir, 1);
        Assert.Equal(Verdict.Violation, sequential.Verdict);
        Assert.Equal(6, sequential.Trace!.Length);
        for (int run = 0; run < 3; run++) ExplorerHarness.AssertSame(sequential, Explore(ir, 2));
        ExplorerHarness.AssertSame(sequential, Explore(ir, 5));
    }

    [Fact]
    public void Assertions_and_deadlocks_in_a_parallel_level_are_the_sequential_ones()
    {
        var assertion = SpecHarness.Load("""
            spec: t
            types: { C: 0..4 }
            variables: { c: C -> 0..3 }
            init: { c: "[i in C -> 0]" }
            actions:
              Inc:
                params: { i: C }
                guard: c[i] < 3
                do: ["c[i] := c[i] + 1", "assert c[0] + c[1] + c[2] + c[3] + c[4] < 9 or c[4] == 0"]
            """);
        var deadlock = SpecHarness.Load("""
            spec: t
            options: { deadlock: true }
            types: { C: 0..4 }
            variables: { c: C -> 0..3 }
            init: { c: "[i in C -> 0]" }
            actions:
              Inc:
                params: { i: C }
                guard: c[i] < 3 and c[0] + c[1] + c[2] + c[3] + c[4] < 11
                update: { "c[i]": "c[i] + 1" }
            """);
        foreach (var ir in new[] { assertion, deadlock })
        {
            var sequential = Explore(ir, 1);
            Assert.Equal(Verdict.Violation, sequential.Verdict);
            for (int workers = 2; workers <= 4; workers++) ExplorerHarness.AssertSame(sequential, Explore(ir, workers));
        }
    }

    [Fact]
    public void A_memory_budget_stops_cleanly_with_the_statistics_so_far()
    {
        var ir = SpecHarness.LoadFile(Repo.Example("counters"), null, ("N", 5), ("M", 8));
        foreach (int workers in new[] { 1, 2 })
        {
            var r = Explore(ir, workers, new ExploreOptions { MemoryBudget = 1 });
            Assert.Equal(Verdict.Inconclusive, r.Verdict);
            Assert.Contains("memory budget", r.InconclusiveReason, StringComparison.Ordinal);
            Assert.Null(r.Trace);
            Assert.InRange(r.Stats.Distinct, 1, 32_767);
            Assert.True(r.Stats.Queue > 0);
        }
    }

    [Fact]
    public void The_summary_estimates_the_collision_probability()
    {
        var r = Explore(SpecHarness.LoadFile(Repo.Example("counters"), null, ("N", 5), ("M", 8)), 2);
        var c = r.Stats.Collision!;
        Assert.Equal(Collision.OptimisticOf(r.Stats.Distinct, r.Stats.Generated), c.Optimistic);
        Assert.InRange(c.Observed!.Value, 1e-19, 1e-6);
    }
}
