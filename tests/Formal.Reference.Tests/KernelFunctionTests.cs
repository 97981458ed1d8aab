using Formal.Reference;
using Formal.Reference.RuleSets;

namespace Formal.Reference.Tests;

/// <summary>Unit tests of individual kernel functions, observed through the smallest syscall sequences that reach them.</summary>
public class KernelFunctionTests
{
    private static IReadOnlyList<ScenarioStep> Clean(string ruleSet, params string[] ops)
    {
        var steps = ScenarioRunner.Run(ruleSet, ops);
        ScenarioRunner.AssertClean(steps);
        return steps;
    }

    private static Vma VmaAt(Heap heap, int pid, long addr) => heap.Process(pid)!.FindVma(addr)!;

    // ---------------------------------------------------------------- __anon_vma_prepare / find_mergeable_anon_vma

    [Theory]
    [InlineData("V0")]
    [InlineData("V1")]
    [InlineData("V2-pre6.16")]
    [InlineData("V3-final")]
    public void Prepare_reuses_the_next_neighbour_first_then_the_previous(string ruleSet)
    {
        // X [0,1) r faulted (A), Y [2,3) rwx faulted (B), V [1,2) rw between them: access bits differ, so no VMA
        // merges, but anon_vma_compatible() ignores them.
        string[] setup = ["mmap(p0, 0, 1, rw)", "write(p0, 0)", "mprotect(p0, 0, 1, r)", "mmap(p0, 2, 3, rw)", "write(p0, 2)",
                          "mprotect(p0, 2, 3, rwx)", "mmap(p0, 1, 2, rw)"];
        var s = Clean(ruleSet, [.. setup, "write(p0, 1)"]);
        var h = s[^1].After;
        Assert.Equal(3, h.Process(0)!.Vmas.Count);
        Assert.Same(VmaAt(h, 0, 2).AnonVma, VmaAt(h, 0, 1).AnonVma);
        Assert.NotSame(VmaAt(h, 0, 0).AnonVma, VmaAt(h, 0, 1).AnonVma);

        // without a faulted next, the previous neighbour's anon_vma is taken
        var p = Clean(ruleSet, "mmap(p0, 0, 1, rw)", "write(p0, 0)", "mprotect(p0, 0, 1, r)", "mmap(p0, 1, 2, rw)", "write(p0, 1)");
        Assert.Same(VmaAt(p[^1].After, 0, 0).AnonVma, VmaAt(p[^1].After, 0, 1).AnonVma);
    }

    [Theory]
    [InlineData("V0")]
    [InlineData("V1")]
    [InlineData("V2-pre6.16")]
    [InlineData("V3-final")]
    public void Prepare_does_not_reuse_from_a_fork_child_or_an_incompatible_neighbour(string ruleSet)
    {
        // the neighbour's chain has two entries (it was forked): list_is_singular() fails
        var child = Clean(ruleSet, "mmap(p0, 0, 1, rw)", "write(p0, 0)", "fork(p0)", "mprotect(p1, 0, 1, r)", "mmap(p1, 1, 2, rw)", "write(p1, 1)");
        var h = child[^1].After;
        var fresh = VmaAt(h, 1, 1).AnonVma!;
        Assert.NotSame(VmaAt(h, 1, 0).AnonVma, fresh);
        Assert.True(fresh.IsRoot);

        // flags other than access bits differ (VM_DONTCOPY): anon_vma_compatible() fails
        var flags = Clean(ruleSet, "mmap(p0, 0, 1, rw)", "write(p0, 0)", "madvise(p0, 0, 1, dontfork)", "mmap(p0, 1, 2, rw)", "write(p0, 1)");
        Assert.NotSame(VmaAt(flags[^1].After, 0, 0).AnonVma, VmaAt(flags[^1].After, 0, 1).AnonVma);
    }

    [Fact]
    public void Prepare_counts_a_new_root_and_a_reuse_per_era()
    {
        var v2 = Clean("V2-pre6.16", "mmap(p0, 0, 1, rw)", "write(p0, 0)");
        var a = VmaAt(v2[^1].After, 0, 0).AnonVma!;
        Assert.Equal((1, 1, 1), (a.NumChildren, a.NumActiveVmas, a.Refcount));
        var v1 = Clean("V1", "mmap(p0, 0, 1, rw)", "write(p0, 0)");
        Assert.Equal(2, VmaAt(v1[^1].After, 0, 0).AnonVma!.Degree);

        var reuse2 = Clean("V2-pre6.16", "mmap(p0, 0, 1, rw)", "write(p0, 0)", "mprotect(p0, 0, 1, r)", "mmap(p0, 1, 2, rw)", "write(p0, 1)");
        Assert.Equal(2, VmaAt(reuse2[^1].After, 0, 0).AnonVma!.NumActiveVmas);
        var reuse1 = Clean("V1", "mmap(p0, 0, 1, rw)", "write(p0, 0)", "mprotect(p0, 0, 1, r)", "mmap(p0, 1, 2, rw)", "write(p0, 1)");
        Assert.Equal(3, VmaAt(reuse1[^1].After, 0, 0).AnonVma!.Degree);
    }

    // ---------------------------------------------------------------- anon_vma_clone reuse

    private static readonly string[] Generations =
        ["mmap(p0, 0, 1, rw)", "write(p0, 0)", "fork(p0)", "fork(p1)", "fork(p2)", "exit(p1)", "exit(p2)", "fork(p3)"];

    [Theory]
    [InlineData("V1")]
    [InlineData("V2-pre6.16")]
    [InlineData("V3-final")]
    public void Fork_reuses_the_oldest_anon_vma_without_vma_and_with_one_child(string ruleSet)
    {
        // p3's VMA is linked to A0 (root), A1, A2 (abandoned by exits: no VMA, one child each) and its own A3.
        // The fork of p3 adopts one of them instead of allocating: A1, the oldest eligible.
        var s = Clean(ruleSet, Generations);
        var before = s[^2].After;
        var after = s[^1].After;
        var p3 = VmaAt(before, 3, 0);
        var child = VmaAt(after, 1, 0);
        var chain = p3.Chain.Select(c => c.AnonVma).ToList();
        var a0 = VmaAt(before, 0, 0).AnonVma!;
        var a1 = chain.Single(x => ReferenceEquals(x.Parent, a0) && !ReferenceEquals(x, a0));
        Assert.Equal(a1.Id, child.AnonVma!.Id); // before and after are different heaps: compare identities
        Assert.Equal(before.LiveCount(AllocKind.AnonVma), after.LiveCount(AllocKind.AnonVma));
    }

    [Fact]
    public void Fork_never_reuses_in_V0()
    {
        var s = Clean("V0", Generations);
        Assert.Equal(s[^2].After.LiveCount(AllocKind.AnonVma) + 1, s[^1].After.LiveCount(AllocKind.AnonVma));
        var child = VmaAt(s[^1].After, 1, 0);
        Assert.DoesNotContain(VmaAt(s[^2].After, 3, 0).Chain, c => ReferenceEquals(c.AnonVma, child.AnonVma));
    }

    [Fact]
    public void Fork_does_not_reuse_src_anon_vma_nor_one_with_an_active_vma_in_V2()
    {
        var s = Clean("V2-pre6.16", "mmap(p0, 0, 1, rw)", "write(p0, 0)", "fork(p0)");
        var child = VmaAt(s[^1].After, 1, 0);
        Assert.NotSame(VmaAt(s[^1].After, 0, 0).AnonVma, child.AnonVma);
        Assert.Equal(2, child.Chain.Count);
    }

    [Fact]
    public void The_2026_clone_builds_the_destination_chain_in_reverse()
    {
        // list_add() while walking src from its head: dst = reversed src. V2 keeps the order.
        string[] ops = ["mmap(p0, 0, 2, rw)", "write(p0, 0)", "fork(p0)", "mprotect(p1, 0, 1, r)"];
        var v2 = Clean("V2-pre6.16", ops)[^1].After;
        var v3 = Clean("V3-final", ops)[^1].After;
        string Order(Heap h, long addr)
        {
            var v = VmaAt(h, 1, addr);
            return string.Join(",", v.Chain.Select(c => c.AnonVma.IsRoot ? "root" : "child"));
        }
        Assert.Equal("child,root", Order(v2, 0));
        Assert.Equal("child,root", Order(v2, 1));
        Assert.Equal("child,root", Order(v3, 0));
        Assert.Equal("root,child", Order(v3, 1)); // the new (upper) piece made by __split_vma
    }

    // ---------------------------------------------------------------- unlink_anon_vmas

    [Fact]
    public void Unlink_decrements_in_pass_one_and_frees_children_before_the_root()
    {
        var s = Clean("V2-pre6.16", "mmap(p0, 0, 1, rw)", "write(p0, 0)", "fork(p0)", "exit(p0)", "exit(p1)");
        var beforeExit = s[2].After;
        var a0 = VmaAt(beforeExit, 0, 0).AnonVma!;
        Assert.Equal((2, 1, 2), (a0.NumChildren, a0.NumActiveVmas, a0.Refcount));
        var afterParentExit = s[3].After;
        var root = VmaAt(afterParentExit, 1, 0).Chain[^1].AnonVma;
        Assert.False(root.Freed);
        Assert.Equal((2, 0, 2), (root.NumChildren, root.NumActiveVmas, root.Refcount));

        var log = s[4].Log.ToList();
        int passOneDecrement = log.FindIndex(l => l.Contains("put_anon_vma"));
        int childFree = log.FindIndex(l => l.Contains("anon_vma_free"));
        int rootFree = log.FindLastIndex(l => l.Contains("anon_vma_free"));
        Assert.True(passOneDecrement >= 0 && childFree > passOneDecrement && rootFree > childFree, string.Join("\n", log));
        Assert.All(s[4].After.AllAnonVmas, a => Assert.True(a.Freed));
    }

    [Fact]
    public void Unlink_in_V1_counts_the_vma_and_the_child_in_degree()
    {
        var s = Clean("V1", "mmap(p0, 0, 1, rw)", "write(p0, 0)", "fork(p0)", "exit(p1)");
        var forked = s[2].After;
        Assert.Equal(3, VmaAt(forked, 0, 0).AnonVma!.Degree); // self + VMA + child
        Assert.Equal(1, VmaAt(forked, 1, 0).AnonVma!.Degree);
        Assert.Equal(2, VmaAt(s[3].After, 0, 0).AnonVma!.Degree);
    }

    [Fact]
    public void V3_unlink_of_an_unfaulted_vma_returns_early()
    {
        var s = Clean("V3-final", "mmap(p0, 0, 2, rw)", "munmap(p0, 0, 2)");
        Assert.Contains(s[1].Log, l => l.TrimStart().StartsWith("unlink_anon_vmas(", StringComparison.Ordinal));
        Assert.DoesNotContain(s[1].Log, l => l.Contains("VIOLATION"));
    }

    // ---------------------------------------------------------------- fork error paths

    public static TheoryData<string, string> ForkFailures()
    {
        var d = new TheoryData<string, string>();
        foreach (var rs in new[] { "V0", "V1", "V1p", "V1p-konstantin-v2", "V2-pre6.16", "V2-6.16-fix", "V3-merged", "V3-final" })
            foreach (var kind in new[] { "avc", "anon_vma", "vma" })
                d.Add(rs, kind);
        return d;
    }

    [Theory]
    [MemberData(nameof(ForkFailures))]
    public void A_failed_fork_leaves_the_parent_exactly_as_it_was(string ruleSet, string kind)
    {
        var machine = Machine.Create(ruleSet, Bounds.Scenario);
        var heap = machine.Run("mmap(p0, 0, 2, rw)", "write(p0, 0)", "mprotect(p0, 1, 2, r)", "mmap(p0, 3, 4, rw)", "fork(p0)", "exit(p1)")[^1].After;
        var before = CanonicalKey.Of(heap);
        var injected = machine.Apply(heap, OperationParser.Parse($"inject({kind})")).After;
        var r = machine.Apply(injected, OperationParser.Parse("fork(p0)"));
        Assert.Equal(OutcomeKind.Error, r.Outcome.Kind);
        Assert.Equal(-12, r.Outcome.ErrorCode);
        Assert.Empty(InvariantChecker.Check(r.After, machine.Rules));
        Assert.Equal(before, CanonicalKey.Of(r.After));
    }

    [Theory]
    [InlineData("V2-pre6.16")]
    [InlineData("V1")]
    public void A_fork_failing_on_its_second_vma_tears_down_the_first(string ruleSet)
    {
        var machine = Machine.Create(ruleSet, Bounds.Scenario);
        var heap = machine.Run("mmap(p0, 0, 1, rw)", "write(p0, 0)", "mmap(p0, 2, 3, rw)", "write(p0, 2)")[^1].After;
        var before = CanonicalKey.Of(heap);
        // one anon_vma allocation succeeds (first VMA), the second fails
        var r1 = machine.Apply(heap, OperationParser.Parse("fork(p0)"), log: true);
        int avAllocs = r1.Log.Count(l => l.TrimStart().StartsWith("anon_vma_alloc", StringComparison.Ordinal));
        Assert.Equal(2, avAllocs);
        var r = machine.Run(heap, "inject(vma)", "fork(p0)");
        Assert.Equal(-12, r[^1].Outcome.ErrorCode);
        Assert.Equal(before, CanonicalKey.Of(r[^1].After));
    }

    // ---------------------------------------------------------------- split

    [Theory]
    [InlineData("V1")]
    [InlineData("V2-pre6.16")]
    [InlineData("V3-final")]
    public void Split_gives_both_pieces_the_same_anon_vma_and_chain(string ruleSet)
    {
        var s = Clean(ruleSet, "mmap(p0, 0, 3, rw)", "write(p0, 0)", "fork(p0)", "mprotect(p1, 1, 2, r)");
        var vmas = s[^1].After.Process(1)!.Vmas;
        Assert.Equal(3, vmas.Count);
        var a = vmas[0].AnonVma!;
        Assert.All(vmas, v => Assert.Same(a, v.AnonVma));
        var chainSet = vmas[0].Chain.Select(c => c.AnonVma.Id).OrderBy(x => x).ToList();
        Assert.All(vmas, v => Assert.Equal(chainSet, v.Chain.Select(c => c.AnonVma.Id).OrderBy(x => x).ToList()));
        Assert.All(vmas, v => Assert.All(v.Chain, c => Assert.Equal((v.PgOff, v.PgOff + v.Pages - 1), (c.CachedStart, c.CachedLast))));
        if (ruleSet == "V1")
            Assert.Equal(3, a.Degree);
        else
            Assert.Equal(3, a.NumActiveVmas);
    }

    [Fact]
    public void Split_with_a_failing_clone_returns_enomem_and_changes_nothing()
    {
        var machine = Machine.Create("V2-pre6.16", Bounds.Scenario);
        var heap = machine.Run("mmap(p0, 0, 3, rw)", "write(p0, 0)")[^1].After;
        var before = CanonicalKey.Of(heap);
        var r = machine.Run(heap, "inject(avc)", "mprotect(p0, 1, 2, r)");
        Assert.Equal(-12, r[^1].Outcome.ErrorCode);
        Assert.Equal(before, CanonicalKey.Of(r[^1].After));
    }

    // ---------------------------------------------------------------- merge mergeability per era

    [Fact]
    public void Mremap_of_a_fork_child_into_an_unfaulted_neighbour_merges_only_without_3b617fd3d317()
    {
        string[] ops = ["mmap(p0, 1, 2, rw)", "write(p0, 1)", "mremap(p0, 1, 2, 3, false)", "fork(p0)", "mmap(p1, 0, 1, rw)", "mremap(p1, 3, 4, 1, false)"];
        var fix = Clean("V2-6.16-fix", ops)[^1].After.Process(1)!;
        Assert.Single(fix.Vmas);
        Assert.Equal(2, fix.Vmas[0].Chain.Count);
        var v3 = Clean("V3-final", ops)[^1].After.Process(1)!;
        Assert.Equal(2, v3.Vmas.Count);
        Assert.Null(v3.Vmas[0].AnonVma);
    }

    [Fact]
    public void Anon_vma_merge_bug_on_fires_when_survivor_and_removed_differ()
    {
        // Exercised through a hand-built inconsistent heap: two adjacent VMAs with different anon_vmas that the
        // merge code believes compatible can only arise from a bug; the VM_BUG_ON_VMA then stops the merge.
        var rs = new Probe();
        var heap = ScenarioRunner.Run("V2-pre6.16", "mmap(p0, 0, 1, rw)", "write(p0, 0)", "mmap(p0, 2, 3, rw)", "write(p0, 2)")[^1].After.Clone();
        var mm = heap.Process(0)!;
        rs.Attach(heap, Bounds.Scenario, null);
        var ex = Assert.ThrowsAny<Exception>(() => rs.Merge(mm.Vmas[0], mm.Vmas[1]));
        Assert.Contains("VM_BUG_ON_VMA", ex.Message);
        Assert.Equal(ViolationKind.Bug, rs.ReportedViolations[0].Kind);
    }

    /// <summary>Exposes protected kernel functions of the base rule set to unit tests.</summary>
    private sealed class Probe : V2Pre616
    {
        public void Merge(Vma survivor, Vma removed) => AnonVmaMerge(survivor, removed);
        public IReadOnlyList<Violation> ReportedViolations => Violations;
    }
}

/// <summary>The 2026 check_anon_vma_clone() assertions fire on the preconditions they state.</summary>
public class CheckAnonVmaCloneTests
{
    private sealed class Probe : V3Final
    {
        public int Clone(Vma dst, Vma src, VmaOperation op) => AnonVmaClone(dst, src, op);
        public IReadOnlyList<Violation> Reported => Violations;
    }

    private static (Probe Rules, Heap Heap) Setup(params string[] ops)
    {
        var heap = Machine.Create("V3-final", Bounds.Scenario).Run(ops)[^1].After.Clone();
        var rules = new Probe();
        rules.Attach(heap, Bounds.Scenario, null);
        return (rules, heap);
    }

    [Fact]
    public void A_split_into_a_dst_with_a_chain_and_attached_warns()
    {
        var (rules, heap) = Setup("mmap(p0, 0, 1, rw)", "write(p0, 0)", "mmap(p0, 1, 2, rwx)", "write(p0, 1)");
        var mm = heap.Process(0)!;
        // both VMAs are faulted and attached: cloning one into the other as a split breaks two preconditions
        Assert.Equal(0, rules.Clone(mm.Vmas[1], mm.Vmas[0], VmaOperation.Split));
        Assert.Contains(rules.Reported, v => v.Kind == ViolationKind.Warning && v.Function == "check_anon_vma_clone" && v.Message.Contains("chain is not empty"));
        Assert.Contains(rules.Reported, v => v.Message.Contains("is already attached"));
        Assert.All(rules.Reported, v => Assert.Equal("VM_WARN_ON_ONCE", v.Macro));
    }

    [Fact]
    public void A_merge_import_from_a_fork_child_warns()
    {
        var (rules, heap) = Setup("mmap(p0, 0, 1, rw)", "write(p0, 0)", "fork(p0)", "mmap(p1, 1, 2, r)");
        var mm = heap.Process(1)!;
        var dst = mm.Vmas[1];
        dst.AnonVma = mm.Vmas[0].AnonVma; // as dup_anon_vma() does before cloning
        Assert.Equal(0, rules.Clone(dst, mm.Vmas[0], VmaOperation.MergeUnfaulted));
        var v = Assert.Single(rules.Reported);
        Assert.Contains("fork child", v.Message);
    }

    [Fact]
    public void A_non_fork_clone_without_dst_anon_vma_warns_then_dereferences_null()
    {
        var (rules, heap) = Setup("mmap(p0, 0, 1, rw)", "write(p0, 0)", "mmap(p0, 1, 2, r)");
        var mm = heap.Process(0)!;
        var ex = Assert.ThrowsAny<Exception>(() => rules.Clone(mm.Vmas[1], mm.Vmas[0], VmaOperation.MergeUnfaulted));
        Assert.Contains("NULL", ex.Message);
        Assert.Contains(rules.Reported, v => v.Kind == ViolationKind.Warning && v.Message.Contains("has no anon_vma"));
        Assert.Equal(ViolationKind.NullDereference, rules.Reported[^1].Kind);
    }
}
