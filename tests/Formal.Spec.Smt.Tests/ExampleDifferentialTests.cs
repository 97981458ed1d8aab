using Formal.Explorer.Traces;
using Formal.Explorer.Bfs;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Engines;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Tests;

/// The explorer is the oracle: on every example (cheap configurations), BMC finds a violation
/// at exactly the explorer's shortest trace length, or none up to the depth the explorer
/// exhausted; reachable states sampled from a BFS are reached by BMC at exactly their distance.
public class ExampleDifferentialTests
{
    /// Explorer and BMC agree on the verdict and the violation depth.
    /// Returns the explorer's trace length (null when it finds no violation).
    internal static int? AssertAgree(SpecIr ir, int maxBmcDepth, bool? deadlock = null)
    {
        var e = SmtHarness.Explore(ir, deadlock: deadlock);
        if (e.Verdict == Verdict.Violation)
        {
            int length = e.Trace!.Length;
            Assert.True(length <= maxBmcDepth, $"the explorer's trace ({length} steps) is beyond the BMC bound of the test");
            var r = SmtHarness.Prove(ir, bmc: maxBmcDepth, deadlock: deadlock);
            Assert.True(r.Diagnostics.Count == 0, string.Join("\n", r.Diagnostics));
            Assert.Equal(ProveVerdict.Violation, r.Verdict);
            var t = SmtHarness.Replay(ir, r.Violation!);
            Assert.Equal(length, t.Length);
            Assert.Equal(length, r.Violation!.Length);
            // Several properties may fail at the same depth (an assertion on one path, an
            // invariant or lemma on another). Then, without invariants and lemmas, the engine
            // that reported the invariant must find the other's violation at the same depth.
            if (t.Violation.Kind != e.Trace.Violation.Kind)
            {
                var none = EquatableArray<InvariantIr>.From([]);
                var bare = ir with { Invariants = none, Lemmas = none };
                if (e.Trace.Violation.Kind == ViolationKind.Invariant)
                {
                    var again = SmtHarness.Explore(bare, deadlock: deadlock);
                    Assert.Equal((t.Violation.Kind, length), (again.Trace!.Violation.Kind, again.Trace.Length));
                }
                else
                {
                    Assert.Equal(ViolationKind.Invariant, t.Violation.Kind);
                    var again = SmtHarness.Prove(bare, bmc: maxBmcDepth, deadlock: deadlock);
                    var t2 = SmtHarness.Replay(bare, again.Violation!);
                    Assert.Equal((e.Trace.Violation.Kind, length), (t2.Violation.Kind, t2.Length));
                }
            }
            return length;
        }
        else
        {
            Assert.Equal(Verdict.Ok, e.Verdict);
            // The explorer exhausted every state within Depth - 1 steps: BMC finds nothing there.
            int depth = Math.Min(maxBmcDepth, e.Stats.Depth - 1);
            var r = SmtHarness.Prove(ir, bmc: depth, deadlock: deadlock);
            Assert.True(r.Diagnostics.Count == 0, string.Join("\n", r.Diagnostics));
            // Clean to the bound; a proof when no loop-free path is longer than the bound.
            Assert.Contains(r.Verdict, new[] { ProveVerdict.BoundReached, ProveVerdict.Proved });
            Assert.Equal(depth, r.BmcDepth);
            return null;
        }
    }

    [Fact]
    public void Water_jug() => Assert.Equal(6, AssertAgree(SmtHarness.Example("water_jug"), 8));

    [Fact]
    public void Peterson_holds_without_deadlock_through_its_whole_depth() => Assert.Null(AssertAgree(SmtHarness.Example("peterson"), 12));

    [Theory]
    [InlineData("one")]
    [InlineData("two")]
    public void Two_phase_commit(string config) => Assert.Null(AssertAgree(SmtHarness.Example("two_phase_commit", config), 12));

    [Fact]
    public void Counters_small() => Assert.Null(AssertAgree(SmtHarness.Example("counters", null, ("N", 2), ("M", 3)), 10));

    [Fact]
    public void Reachable_states_of_the_examples_are_reached_at_their_bfs_distance()
    {
        StateProbe.AssertBmcAgrees(SmtHarness.Example("water_jug"), 8, 16);
        StateProbe.AssertBmcAgrees(SmtHarness.Example("peterson"), 10, 34);
        StateProbe.AssertBmcAgrees(SmtHarness.Example("two_phase_commit", "two"), 8, 40);
        StateProbe.AssertBmcAgrees(SmtHarness.Example("counters", null, ("N", 2), ("M", 3)), 6, 9);
    }
}
