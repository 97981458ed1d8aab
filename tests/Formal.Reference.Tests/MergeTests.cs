using Formal.Reference;
using Formal.Reference.RuleSets;

namespace Formal.Reference.Tests;

/// <summary>
/// The merge outcomes of the kernel's tools/testing/vma/vma.c scenarios (torvalds 0f9362b2), expressed as syscalls.
/// The kernel harness drives mm/vma.c directly with a stub anon_vma and leaves vmg->anon_vma NULL, so some of its
/// "faulted middle merges into unfaulted neighbour" cases pass there although a real mprotect() refuses them
/// before 6.16 (the neighbour's chain is empty, not singular); those cases are checked with the 6.16+ rules here,
/// and the pre-6.16 refusal is checked separately.
/// </summary>
public class MergeTests
{
    // V1p-next-2019 is left out: its bug (B-2019a) is exactly a broken merge clone, see SeedBugTests.
    private static readonly string[] AllEras = RuleSetRegistry.Names.Where(n => n != "V1p-next-2019").ToArray();
    private static readonly string[] Rules616 = ["V2-6.16", "V2-6.16-fix", "V3-series-v2", "V3-merged", "V3-final"];
    private static readonly string[] RulesPre616 = ["V0", "V1", "V1p", "V2-pre6.16"];

    public static TheoryData<string> Eras() => Data(AllEras);
    public static TheoryData<string> Eras616() => Data(Rules616);
    public static TheoryData<string> ErasPre616() => Data(RulesPre616);

    private static TheoryData<string> Data(IEnumerable<string> names)
    {
        var d = new TheoryData<string>();
        foreach (var n in names)
            d.Add(n);
        return d;
    }

    private static string Layout(Heap heap, int pid = 0)
    {
        var n = new CanonicalNumbering(heap);
        return string.Join(" ", heap.Process(pid)!.Vmas.Select(v => $"[{v.Start},{v.End})@{v.PgOff}:{n.Name(v.AnonVma)}"));
    }

    private static IReadOnlyList<ScenarioStep> Clean(string ruleSet, params string[] ops)
    {
        var steps = ScenarioRunner.Run(ruleSet, ops);
        ScenarioRunner.AssertClean(steps);
        return steps;
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Simple_modify_splits_into_three(string ruleSet)
    {
        var s = Clean(ruleSet, "mmap(p0, 0, 3, rw)", "mprotect(p0, 1, 2, r)");
        Assert.Equal("[0,1)@0:NULL [1,2)@1:NULL [2,3)@2:NULL", Layout(s[^1].After));
        Assert.Equal(Prot.R, s[^1].After.Process(0)!.Vmas[1].Prot);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Merge_new_sequence(string ruleSet)
    {
        // A [0,2), B [3,4), D [7,9), C [11,12) share one anon_vma with singular chains (pieces of one mapping),
        // then new ranges fill the holes as in test_merge_new().
        var s = Clean(ruleSet,
            "mmap(p0, 0, 12, rw)", "write(p0, 0)", "munmap(p0, 2, 3)", "munmap(p0, 4, 7)", "munmap(p0, 9, 11)");
        Assert.Equal("[0,2)@0:A0 [3,4)@3:A0 [7,9)@7:A0 [11,12)@11:A0", Layout(s[^1].After));

        var expect = new[]
        {
            ("mmap(p0, 2, 3, rw)", "[0,4)@0:A0 [7,9)@7:A0 [11,12)@11:A0"),      // merge both: A grows, B deleted
            ("mmap(p0, 4, 5, rw)", "[0,5)@0:A0 [7,9)@7:A0 [11,12)@11:A0"),      // merge to previous
            ("mmap(p0, 6, 7, rw)", "[0,5)@0:A0 [6,9)@6:A0 [11,12)@11:A0"),      // merge to next
            ("mmap(p0, 5, 6, rw)", "[0,9)@0:A0 [11,12)@11:A0"),                 // merge both: D deleted
            ("mmap(p0, 10, 11, rw)", "[0,9)@0:A0 [10,12)@10:A0"),               // merge to next
            ("mmap(p0, 9, 10, rw)", "[0,12)@0:A0"),                             // merge both: C deleted
        };
        var machine = Machine.Create(ruleSet, Bounds.Scenario);
        var heap = s[^1].After;
        foreach (var (op, layout) in expect)
        {
            var r = machine.Apply(heap, OperationParser.Parse(op));
            Assert.Equal(OutcomeKind.Ok, r.Outcome.Kind);
            Assert.Empty(InvariantChecker.Check(r.After, machine.Rules));
            Assert.Equal(layout, Layout(r.After));
            heap = r.After;
        }
        var a0 = heap.Process(0)!.Vmas.Single().AnonVma!;
        if (machine.Rules.Counters == CounterModel.SplitCounters)
            Assert.Equal(1, a0.NumActiveVmas);
        if (machine.Rules.Counters == CounterModel.Degree)
            Assert.Equal(2, a0.Degree);
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Merge_existing_with_a_shared_anon_vma_remerges(string ruleSet)
    {
        // mprotect splits a faulted VMA, the pieces share A0; restoring the protection merges them back
        // (merge left partial, then merge both deleting middle and next).
        var s = Clean(ruleSet, "mmap(p0, 0, 6, rw)", "write(p0, 0)", "mprotect(p0, 2, 4, r)");
        Assert.Equal("[0,2)@0:A0 [2,4)@2:A0 [4,6)@4:A0", Layout(s[^1].After));
        var m = Clean(ruleSet, "mmap(p0, 0, 6, rw)", "write(p0, 0)", "mprotect(p0, 2, 4, r)", "mprotect(p0, 2, 3, rw)");
        Assert.Equal("[0,3)@0:A0 [3,4)@3:A0 [4,6)@4:A0", Layout(m[^1].After));
        var both = Clean(ruleSet, "mmap(p0, 0, 6, rw)", "write(p0, 0)", "mprotect(p0, 2, 4, r)", "mprotect(p0, 2, 4, rw)");
        Assert.Equal("[0,6)@0:A0", Layout(both[^1].After));
        Assert.Contains(both[^1].Log, l => l.Contains(ruleSet.StartsWith("V3") ? "unlink_anon_vmas" : "anon_vma_merge"));
    }

    [Theory]
    [MemberData(nameof(Eras616))]
    public void Merge_existing_faulted_middle_into_unfaulted_neighbours_6_16(string ruleSet)
    {
        // test_merge_existing(): merge right partial / full, merge left partial / full, merge both.
        const string v = "mmap(p0, 2, 6, rw)", fault = "write(p0, 2)";
        var rightPartial = Clean(ruleSet, v, fault, "mmap(p0, 6, 9, r)", "mprotect(p0, 3, 6, r)");
        Assert.Equal("[2,3)@2:A0 [3,9)@3:A0", Layout(rightPartial[^1].After));
        var rightFull = Clean(ruleSet, v, fault, "mmap(p0, 6, 9, r)", "mprotect(p0, 2, 6, r)");
        Assert.Equal("[2,9)@2:A0", Layout(rightFull[^1].After));

        const string prev = "mmap(p0, 0, 3, r)", mid = "mmap(p0, 3, 7, rw)", midFault = "write(p0, 3)";
        var leftPartial = Clean(ruleSet, prev, mid, midFault, "mprotect(p0, 3, 6, r)");
        Assert.Equal("[0,6)@0:A0 [6,7)@6:A0", Layout(leftPartial[^1].After));
        var leftFull = Clean(ruleSet, prev, mid, midFault, "mprotect(p0, 3, 7, r)");
        Assert.Equal("[0,7)@0:A0", Layout(leftFull[^1].After));
        var both = Clean(ruleSet, prev, mid, midFault, "mmap(p0, 7, 9, r)", "mprotect(p0, 3, 7, r)");
        Assert.Equal("[0,9)@0:A0", Layout(both[^1].After));
        Assert.Contains(both[^1].Log, l => l.TrimStart().StartsWith("dup_anon_vma(vma#", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ErasPre616))]
    public void Faulted_range_never_merges_into_an_unfaulted_neighbour_before_6_16(string ruleSet)
    {
        var s = Clean(ruleSet, "mmap(p0, 0, 3, r)", "mmap(p0, 3, 7, rw)", "write(p0, 3)", "mprotect(p0, 3, 7, r)");
        Assert.Equal("[0,3)@0:NULL [3,7)@3:A0", Layout(s[^1].After));
        var right = Clean(ruleSet, "mmap(p0, 2, 6, rw)", "write(p0, 2)", "mmap(p0, 6, 9, r)", "mprotect(p0, 3, 6, r)");
        Assert.Equal("[2,3)@2:A0 [3,6)@3:A0 [6,9)@6:NULL", Layout(right[^1].After));
    }

    [Theory]
    [MemberData(nameof(Eras616))]
    public void A_fork_child_does_not_merge_into_an_unfaulted_neighbour_6_16(string ruleSet)
    {
        // vma_had_uncowed_parents(): the child's faulted VMA has a chain of two.
        var s = Clean(ruleSet, "mmap(p0, 0, 3, r)", "mmap(p0, 3, 7, rw)", "write(p0, 3)", "fork(p0)", "mprotect(p1, 3, 7, r)");
        Assert.Equal("[0,3)@0:NULL [3,7)@3:A1", Layout(s[^1].After, 1));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Anon_vma_non_mergeable_falls_back_to_a_two_way_merge(string ruleSet)
    {
        // prev and next faulted with different anon_vmas: the middle merges with prev only.
        const string p = "mmap(p0, 0, 3, rw)", pf = "write(p0, 0)", n = "mmap(p0, 7, 9, rw)", nf = "write(p0, 7)";
        var existing = Clean(ruleSet, p, pf, n, nf, "mmap(p0, 3, 7, r)", "mprotect(p0, 3, 7, rw)");
        Assert.Equal("[0,7)@0:A0 [7,9)@7:A1", Layout(existing[^1].After));
        var fresh = Clean(ruleSet, p, pf, n, nf, "mmap(p0, 3, 7, rw)");
        Assert.Equal("[0,7)@0:A0 [7,9)@7:A1", Layout(fresh[^1].After));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Dup_anon_vma_when_an_unfaulted_prev_absorbs_a_faulted_next(string ruleSet)
    {
        // test_dup_anon_vma() cases 1 and 2: vma_expand() deleting next, and merge both from next.
        var expand = Clean(ruleSet, "mmap(p0, 0, 3, r)", "mmap(p0, 5, 8, rw)", "write(p0, 5)", "mprotect(p0, 0, 3, rw)", "mmap(p0, 3, 5, rw)");
        Assert.Equal("[0,8)@0:A0", Layout(expand[^1].After));
        Assert.Contains(expand[^1].Log, l => l.Contains("dup_anon_vma") || l.Contains("import anon_vma"));
        Assert.Contains(expand[^1].Log, l => l.TrimStart().StartsWith("anon_vma_clone(", StringComparison.Ordinal));

        var both = Clean(ruleSet, "mmap(p0, 0, 3, rw)", "mmap(p0, 3, 5, r)", "mmap(p0, 5, 8, rw)", "write(p0, 5)", "mprotect(p0, 3, 5, rw)");
        Assert.Equal("[0,8)@0:A0", Layout(both[^1].After));
        Assert.Contains(both[^1].Log, l => l.TrimStart().StartsWith("anon_vma_clone(", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Eras616))]
    public void Dup_anon_vma_from_the_middle_6_16(string ruleSet)
    {
        // test_dup_anon_vma() cases 3-5: merge both / left / right with a faulted middle.
        var both = Clean(ruleSet, "mmap(p0, 0, 3, r)", "mmap(p0, 3, 5, rw)", "write(p0, 3)", "mmap(p0, 5, 8, r)", "mprotect(p0, 3, 5, r)");
        Assert.Equal("[0,8)@0:A0", Layout(both[^1].After));
        var left = Clean(ruleSet, "mmap(p0, 0, 3, r)", "mmap(p0, 3, 8, rw)", "write(p0, 3)", "mprotect(p0, 3, 5, r)");
        Assert.Equal("[0,5)@0:A0 [5,8)@5:A0", Layout(left[^1].After));
        var right = Clean(ruleSet, "mmap(p0, 0, 5, rw)", "write(p0, 0)", "mmap(p0, 5, 8, r)", "mprotect(p0, 3, 5, r)");
        Assert.Equal("[0,3)@0:A0 [3,8)@3:A0", Layout(right[^1].After));
        foreach (var s in new[] { both, left, right })
            Assert.Contains(s[^1].Log, l => l.TrimStart().StartsWith("anon_vma_clone(", StringComparison.Ordinal));
    }

    public static TheoryData<string> MapleEras() => Data(AllEras.Where(n => RuleSetRegistry.Create(n).UsesMapleTree));

    [Theory]
    [MemberData(nameof(MapleEras))]
    public void Vmi_prealloc_fail_on_expand_unlinks_the_duplicated_anon_vma(string ruleSet)
    {
        // test_vmi_prealloc_fail(), expand case: the dup into prev is undone with unlink_anon_vmas(); mmap then
        // falls back to a new VMA. (The kernel stub's unlink leaves anon_vma set; the real one clears it.)
        var machine = Machine.Create(ruleSet, Bounds.Scenario);
        var heap = machine.Run("mmap(p0, 0, 3, rw)", "mmap(p0, 5, 8, rw)", "write(p0, 5)")[^1].After;
        // the unfaulted prev keeps [0,3) rw; the faulted next [5,8)
        heap = heap.Clone();
        heap.FailNextPrealloc = true;
        var r = machine.Apply(heap, OperationParser.Parse("mmap(p0, 3, 5, rw)"), log: true);
        Assert.Equal(OutcomeKind.Ok, r.Outcome.Kind);
        Assert.Empty(InvariantChecker.Check(r.After, machine.Rules));
        Assert.Contains(r.Log, l => l.TrimStart().StartsWith("anon_vma_clone(", StringComparison.Ordinal));
        Assert.Contains(r.Log, l => l.TrimStart().StartsWith("unlink_anon_vmas(", StringComparison.Ordinal));
        Assert.Equal("[0,3)@0:NULL [3,5)@3:NULL [5,8)@5:A0", Layout(r.After));
    }

    [Fact]
    public void List_era_rule_sets_have_no_maple_preallocation_to_fail()
    {
        foreach (var name in new[] { "V0", "V1", "V1p" })
        {
            var machine = Machine.Create(name, Bounds.Scenario);
            var heap = machine.Run("mmap(p0, 0, 3, rw)", "mmap(p0, 5, 8, rw)", "write(p0, 5)")[^1].After.Clone();
            heap.FailNextPrealloc = true;
            var r = machine.Apply(heap, OperationParser.Parse("mmap(p0, 3, 5, rw)"));
            Assert.Equal("[0,8)@0:A0", Layout(r.After));
            Assert.True(r.After.FailNextPrealloc, name);
        }
    }

    [Theory]
    [MemberData(nameof(Eras616))]
    public void Vmi_prealloc_fail_on_existing_merge_reports_enomem_6_16(string ruleSet)
    {
        // test_vmi_prealloc_fail(), merge-existing case: -ENOMEM, the cloned links are unlinked again.
        var machine = Machine.Create(ruleSet, Bounds.Scenario);
        var heap = machine.Run("mmap(p0, 0, 3, r)", "mmap(p0, 3, 5, rw)", "write(p0, 3)")[^1].After.Clone();
        heap.FailNextPrealloc = true;
        var r = machine.Apply(heap, OperationParser.Parse("mprotect(p0, 3, 5, r)"), log: true);
        Assert.Equal(OutcomeKind.Error, r.Outcome.Kind);
        Assert.Equal(-12, r.Outcome.ErrorCode);
        Assert.Empty(InvariantChecker.Check(r.After, machine.Rules));
        Assert.Contains(r.Log, l => l.TrimStart().StartsWith("anon_vma_clone(", StringComparison.Ordinal));
        Assert.Contains(r.Log, l => l.TrimStart().StartsWith("unlink_anon_vmas(", StringComparison.Ordinal));
        Assert.Equal("[0,3)@0:NULL [3,5)@3:A0", Layout(r.After));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Copy_vma_moves_without_merge_and_into_next(string ruleSet)
    {
        // test_copy_vma(): an unfaulted VMA moved backwards gets pgoff = new address; moved next to another
        // compatible unfaulted VMA it merges into it.
        var back = Clean(ruleSet, "mmap(p0, 3, 5, rw)", "mremap(p0, 3, 5, 0, false)");
        Assert.Equal("[0,2)@0:NULL", Layout(back[^1].After));
        var merge = Clean(ruleSet, "mmap(p0, 0, 2, rw)", "mmap(p0, 6, 8, rw)", "mremap(p0, 0, 2, 4, false)");
        Assert.Equal("[4,8)@4:NULL", Layout(merge[^1].After));
    }

    [Theory]
    [MemberData(nameof(Eras))]
    public void Mremap_of_a_faulted_vma_keeps_pgoff_and_index(string ruleSet)
    {
        var s = Clean(ruleSet, "mmap(p0, 0, 2, rw)", "write(p0, 1)", "mremap(p0, 0, 2, 4, false)", "rmap_walk(p0, 5)");
        Assert.Equal("[4,6)@0:A0", Layout(s[^1].After));
        Assert.Equal(1, s[^1].After.Process(0)!.Ptes[5].Index);
        Assert.Equal("found p0:5", s[^1].Outcome.Detail);
    }
}
