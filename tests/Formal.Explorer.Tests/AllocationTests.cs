using Formal.Explorer.Bfs;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// The hot path does not allocate: what a search allocates is the growth of its tables (parents,
/// ordinals, queues, candidate buffers), not something per successor.
public class AllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_search_allocates_its_tables_and_nothing_per_successor(int workers)
    {
        // 262,144 states, 1,572,865 successors; the search runs on this thread (counters nest
        // shallowly), so this thread's allocation counter sees worker 0's share of the work.
        var ts = new SpecTransitionSystem(SpecHarness.LoadFile(Repo.Example("counters"), null, ("N", 6), ("M", 8)));
        var options = new ExploreOptions { Workers = workers, CollisionEstimate = false };
        new BfsExplorer(ts, options).Run(); // compiles and warms up everything first
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = new BfsExplorer(ts, options).Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(262_144, r.Stats.Distinct);
        // The tables come to ~36 bytes per state; 12 bytes per successor would be 19 MB more.
        Assert.True(allocated < 2 * r.Stats.TotalBytes + (4 << 20),
            $"{allocated:N0} bytes allocated for {r.Stats.Generated:N0} successors (tables: {r.Stats.TotalBytes:N0} bytes)");
    }
}
