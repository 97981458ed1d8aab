using Formal.Reference;
using Formal.Reference.RuleSets;

namespace Formal.Reference.Tests;

public class BasicTests
{
    public static TheoryData<string> AllRuleSets()
    {
        var d = new TheoryData<string>();
        foreach (var n in RuleSetRegistry.Names)
            d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(AllRuleSets))]
    public void Fault_fork_cow_exit_keeps_invariants(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet,
            "mmap(p0, 0, 4, rw)", "write(p0, 1)", "fork(p0)", "write(p1, 1)", "write(p0, 2)",
            "rmap_walk(p0, 1)", "rmap_walk(p1, 1)", "exit(p1)", "munmap(p0, 1, 2)", "exit(p0)");
        ScenarioRunner.AssertClean(steps);
        Assert.Empty(steps[^1].After.Processes);
        Assert.All(steps[^1].After.AllAnonVmas, a => Assert.True(a.Freed, HeapDump.Format(steps[^1].After)));
    }

    [Fact]
    public void Worked_example_of_section_1_6_in_V2()
    {
        // P maps [0,4) rw, writes page 1, forks; the child's VMA clones A0, gets A1 (parent A0, root A0).
        var steps = ScenarioRunner.Run("V2-pre6.16", "mmap(p0, 0, 4, rw)", "write(p0, 1)", "fork(p0)");
        ScenarioRunner.AssertClean(steps);
        var heap = steps[^1].After;
        var parentVma = heap.Process(0)!.Vmas.Single();
        var childVma = heap.Process(1)!.Vmas.Single();
        var a0 = parentVma.AnonVma!;
        var a1 = childVma.AnonVma!;
        Assert.NotSame(a0, a1);
        Assert.Same(a0, a1.Root);
        Assert.Same(a0, a1.Parent);
        Assert.Equal(2, a0.Refcount);
        Assert.Equal(2, a0.NumChildren);
        Assert.Equal(1, a1.NumActiveVmas);
        Assert.Equal(new[] { a1, a0 }, childVma.Chain.Select(c => c.AnonVma));
        Assert.Equal(2, heap.Process(0)!.Ptes[1].MapCount);
        Assert.False(heap.Process(0)!.Ptes[1].Exclusive);
    }
}
