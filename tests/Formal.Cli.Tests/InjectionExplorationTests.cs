using Formal.Reference;
using Formal.Reference.RuleSets;
using Formal.Refinement;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Tests;

namespace Formal.Cli.Tests;

/// The refinement checker explores an injected failure together with the operation it fails.
/// Oracle: a plain breadth-first search in which `inject(kind)` is a step of its own, as the
/// reference model defines it. The checker must reach exactly that search's heaps that have no
/// failure pending, and that search must hold each such heap once per set of pending failures.
public class InjectionExplorationTests
{
    [Theory]
    [InlineData("V3-final", "small", 1)]
    [InlineData("V2-6.16-fix", "tiny", 2)]
    [InlineData("V1p", "tiny", 2)]
    [InlineData("V0", "small", 1)]
    public void Failures_explored_with_their_operation_reach_the_heaps_inject_steps_reach(string ruleSet, string config, int addr) =>
        Compare(ruleSet, config, addr);

    // 117,268 heaps without and 938,144 with pending failures (about three minutes).
    [Fact]
    [Trait("Category", "Slow")]
    public void The_same_holds_for_the_small_configuration() => Compare("V3-final", "small", 2);

    private static void Compare(string ruleSet, string config, int addr)
    {
        var diags = new DiagnosticBag();
        var addrOverride = new ConstOverride("ADDR", ConstValue.OfInt(addr), new SourceSpan("test", 1, 1));
        var setup = RefinementSetup.Load(Repo.Path("spec", "anon_vma.yaml"), config, [addrOverride], inject: true, diags);
        Assert.NotNull(setup);
        var result = new RefinementChecker(setup, RuleSetRegistry.Factory(ruleSet)).Run();
        Assert.Equal(RefinementVerdict.Ok, result.Verdict);

        var machine = new Machine(RuleSetRegistry.Factory(ruleSet), setup.Bounds);
        var seen = new HashSet<ReferenceFingerprint>();
        var queue = new Queue<Heap>();
        var h0 = machine.InitialHeap();
        seen.Add(ReferenceFingerprint.Of(h0));
        queue.Enqueue(h0);
        long withoutPending = 0;
        while (queue.Count > 0)
        {
            var h = queue.Dequeue();
            if (!h.IsPending(AllocKind.Avc) && !h.IsPending(AllocKind.AnonVma) && !h.IsPending(AllocKind.Vma)) withoutPending++;
            foreach (var op in machine.EnumerateOperations(h))
            {
                if (!setup.Filter.Allows(op)) continue;
                var r = machine.Apply(h, op);
                if (!r.Outcome.Applied) continue;
                Assert.Empty(r.Outcome.Violations);
                if (seen.Add(ReferenceFingerprint.Of(r.After))) queue.Enqueue(r.After);
            }
        }
        Assert.True(withoutPending > 20, $"{withoutPending} heaps");
        Assert.Equal(withoutPending, result.DistinctStates);
        Assert.Equal(8 * withoutPending, seen.Count);
    }
}
