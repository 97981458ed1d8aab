using Formal.Reference;

namespace Formal.Reference.Tests;

/// <summary>
/// A breadth-first search over reference states with the canonical key, as the refinement checker will run it:
/// shortest traces to a violation in the buggy rule sets, none in the fixed ones up to the depth searched.
/// </summary>
public class BoundedSearchTests
{
    private static readonly Bounds Tiny = new(MaxProcesses: 3, AddressSpacePages: 2, MaxVmas: 8, MaxAnonVmas: 8, MaxPages: 8);

    /// <summary>Returns the shortest trace to a violation or invariant failure, or null, and the number of distinct states.</summary>
    private static (List<Operation>? Trace, int States) Search(string ruleSet, int depth)
    {
        var machine = Machine.Create(ruleSet, Tiny);
        var start = machine.InitialHeap();
        var parent = new Dictionary<string, (string? From, Operation? Op)> { [CanonicalKey.Of(start)] = (null, null) };
        var frontier = new List<(Heap Heap, string Key)> { (start, CanonicalKey.Of(start)) };
        for (int d = 1; d <= depth; d++)
        {
            var next = new List<(Heap, string)>();
            foreach (var (heap, key) in frontier)
            {
                foreach (var op in machine.EnumerateOperations(heap))
                {
                    if (op is ReadOp)
                        continue;
                    var r = machine.Apply(heap, op);
                    if (!r.Outcome.Applied)
                        continue;
                    var k = CanonicalKey.Of(r.After);
                    if (parent.ContainsKey(k))
                        continue;
                    parent[k] = (key, op);
                    if (r.Outcome.Kind == OutcomeKind.Violation || InvariantChecker.Check(r.After, machine.Rules).Count > 0)
                    {
                        var trace = new List<Operation>();
                        for (var at = k; parent[at].Op is not null; at = parent[at].From!)
                            trace.Add(parent[at].Op!);
                        trace.Reverse();
                        return (trace, parent.Count);
                    }
                    next.Add((r.After, k));
                }
            }
            frontier = next;
        }
        return (null, parent.Count);
    }

    [Fact]
    public void Shortest_trace_to_B2026a_has_four_steps()
    {
        var (trace, _) = Search("V3-series-v2", 4);
        Assert.NotNull(trace);
        Assert.Equal("mmap(p0, 0, 1, rw) ; write(p0, 0) ; inject(anon_vma) ; fork(p0)", string.Join(" ; ", trace!));
    }

    [Fact]
    public void No_violation_within_four_steps_in_V3_final()
    {
        var (trace, states) = Search("V3-final", 4);
        Assert.Null(trace);
        Assert.True(states > 5000, $"{states} states");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void No_violation_within_six_steps_in_V2_and_V3_final()
    {
        foreach (var rs in new[] { "V2-pre6.16", "V3-final" })
        {
            var (trace, states) = Search(rs, 6);
            Assert.True(trace is null, rs + ": " + string.Join(" ; ", trace ?? []));
            Assert.True(states > 400000, $"{rs}: {states} states");
        }
    }
}
