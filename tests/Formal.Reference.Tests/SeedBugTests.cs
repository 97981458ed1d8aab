using Formal.Reference;

namespace Formal.Reference.Tests;

/// <summary>
/// The seed bugs of kernel-anon-vma.md §4 as syscall-level scenarios (table §6.4): the stated violation, at the
/// stated step, in the buggy rule set, and nothing in the fixed ones. Step numbers are 1-based.
/// </summary>
public class SeedBugTests
{
    private static void AssertViolationAt(IReadOnlyList<ScenarioStep> steps, int step, ViolationKind kind, string function)
    {
        var desc = ScenarioRunner.Describe(steps);
        Assert.True(ScenarioRunner.FirstViolationStep(steps) == step, $"expected the first violation at step {step}\n{desc}");
        var v = steps[step - 1].Outcome.First!;
        Assert.True(v.Kind == kind && v.Function == function, $"expected {kind} in {function}, got {v}\n{desc}");
    }

    private static void AssertInvariantAt(IReadOnlyList<ScenarioStep> steps, int step, string invariant)
    {
        var desc = ScenarioRunner.Describe(steps);
        Assert.True(ScenarioRunner.FirstInvariantStep(steps) == step, $"expected the first invariant violation at step {step}\n{desc}");
        Assert.True(steps[step - 1].Invariants.Any(i => i.Invariant == invariant), $"expected {invariant} at step {step}\n{desc}");
    }

    // ------------------------------------------------------------------ B-2019a

    [Fact]
    public void B2019a_unguarded_prev_share_in_a_merge_clone_hits_the_anon_vma_merge_bug()
    {
        // A new range bridges an unfaulted prev and a faulted next: dup_anon_vma() gives prev next's anon_vma and
        // clones; inside, next's vm_prev is prev, whose anon_vma now equals src's, so prev takes the anon_vma of
        // the VMA below it (here the unfaulted [0,1): NULL); anon_vma_merge() then finds prev and next differ.
        string[] ops = ["mmap(p0, 0, 1, r)", "mmap(p0, 1, 2, rw)", "mmap(p0, 3, 4, rw)", "write(p0, 3)", "mmap(p0, 2, 3, rw)"];
        var steps = ScenarioRunner.Run("V1p-next-2019", ops);
        AssertViolationAt(steps, 5, ViolationKind.Bug, "anon_vma_merge");
        ScenarioRunner.AssertClean(ScenarioRunner.Run("V1p", ops));
    }

    [Fact]
    public void B2019a_with_prev_the_lowest_vma_is_a_null_dereference()
    {
        string[] ops = ["mmap(p0, 0, 1, rw)", "mmap(p0, 2, 3, rw)", "write(p0, 2)", "mmap(p0, 1, 2, rw)"];
        AssertViolationAt(ScenarioRunner.Run("V1p-next-2019", ops), 4, ViolationKind.NullDereference, "anon_vma_clone");
        ScenarioRunner.AssertClean(ScenarioRunner.Run("V1p", ops));
    }

    // ------------------------------------------------------------------ B-2020b

    private static readonly string[] B2020b =
        ["mmap(p0, 0, 2, rw)", "write(p0, 0)", "mprotect(p0, 0, 1, r)", "madvise(p0, 0, 1, dontfork)", "fork(p0)"];

    [Fact]
    public void B2020b_dontcopy_first_vma_is_a_null_dereference_once_dup_mmap_order_is_fixed()
    {
        var steps = ScenarioRunner.Run("V1p-order-fixed", B2020b);
        AssertViolationAt(steps, 5, ViolationKind.NullDereference, "anon_vma_clone");
        Assert.True(steps[^1].After.Halted);
    }

    [Theory]
    [InlineData("V1p")]
    [InlineData("V1")]
    [InlineData("V1p-seed-v1")]
    [InlineData("V1p-konstantin-v2")]
    public void B2020b_is_harmless_where_prev_is_really_pprev_or_absent(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, B2020b);
        Assert.Equal(0, ScenarioRunner.FirstViolationStep(steps));
        Assert.Equal(OutcomeKind.Ok, steps[4].Outcome.Kind);
    }

    // ------------------------------------------------------------------ B-2020c

    private static readonly string[] B2020c =
        ["mmap(p0, 0, 3, rw)", "write(p0, 2)", "mprotect(p0, 0, 1, r)", "fork(p0)", "write(p1, 2)", "munmap(p1, 0, 1)", "rmap_walk(p1, 2)"];

    [Theory]
    [InlineData("V1p-seed-v1")]
    [InlineData("V1p-order-fixed")]
    public void B2020c_shared_prev_anon_vma_is_not_linked_then_freed_while_mapped(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, B2020c);
        AssertInvariantAt(steps, 4, "I2");
        // step 6: the shared anon_vma's tree empties while its degree still counts DST2: VM_WARN_ON, then it is freed
        AssertViolationAt(steps, 6, ViolationKind.Warning, "unlink_anon_vmas");
        Assert.Contains("degree = 1", steps[5].Outcome.First!.Message);
        Assert.Contains(steps[5].Invariants, i => i.Invariant == "I1" && i.Message.Contains("freed"));
        Assert.Equal(ViolationKind.UseAfterFree, steps[6].Outcome.First!.Kind);
    }

    [Theory]
    [InlineData("V1p")]
    [InlineData("V1p-konstantin-v2")]
    [InlineData("V1")]
    public void B2020c_trace_is_safe_in_the_fixed_rule_sets(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, B2020c);
        Assert.Equal(0, ScenarioRunner.FirstViolationStep(steps));
        Assert.All(steps, s => Assert.DoesNotContain(s.Invariants, i => i.Invariant != "I10"));
        Assert.Equal("found p1:2", steps[6].Outcome.Detail);
    }

    [Fact]
    public void B2020a_as_merged_the_child_vma_takes_the_parents_anon_vma()
    {
        var steps = ScenarioRunner.Run("V1p", B2020c);
        var heap = steps[3].After;
        var child2 = heap.Process(1)!.Vmas[1];
        var parent2 = heap.Process(0)!.Vmas[1];
        Assert.Same(parent2.AnonVma, child2.AnonVma);
        Assert.Contains(steps[3].Invariants, i => i.Invariant == "I10");
        Assert.DoesNotContain(steps[3].Invariants, i => i.Invariant != "I10");
    }

    // ------------------------------------------------------------------ B-2020d

    [Fact]
    public void B2020d_wipeonfork_prepare_adopts_a_parent_neighbours_anon_vma_in_v5_5()
    {
        // P: [0,1) rwx faulted; [1,2) rw; both VM_WIPEONFORK; fork: the child's [1,2) copy looks at the stale
        // vm_prev (the parent's [0,1)), whose flags now differ only in access bits, and adopts its anon_vma.
        string[] ops = ["mmap(p0, 0, 1, rwx)", "mmap(p0, 1, 2, rw)", "madvise(p0, 0, 2, wipeonfork)", "write(p0, 0)", "fork(p0)"];
        var buggy = ScenarioRunner.Run("V1p", ops);
        Assert.Equal(0, ScenarioRunner.FirstViolationStep(buggy));
        var child = buggy[^1].After.Process(1)!;
        Assert.Same(buggy[^1].After.Process(0)!.Vmas[0].AnonVma, child.Vmas[1].AnonVma);
        Assert.Contains(buggy[^1].Invariants, i => i.Invariant == "I10");

        var fixedOrder = ScenarioRunner.Run("V1p-seed-v1", ops);
        Assert.Empty(fixedOrder[^1].Invariants);
        var modern = ScenarioRunner.Run("V2-pre6.16", ops);
        ScenarioRunner.AssertClean(modern);
        Assert.All(modern[^1].After.Process(1)!.Vmas, v => Assert.Null(v.AnonVma));
    }

    // ------------------------------------------------------------------ B-2026a

    private static readonly string[] B2026a = ["mmap(p0, 0, 1, rw)", "write(p0, 0)", "inject(anon_vma)", "fork(p0)", "rmap_walk(p0, 0)"];

    [Fact]
    public void B2026a_v2_series_fork_failure_leaves_a_dangling_avc()
    {
        var steps = ScenarioRunner.Run("V3-series-v2", B2026a);
        AssertViolationAt(steps, 4, ViolationKind.Warning, "unlink_anon_vmas");
        Assert.Equal("VM_WARN_ON_ONCE", steps[3].Outcome.First!.Macro);
        Assert.Equal(-12, steps[3].Outcome.ErrorCode);
        AssertInvariantAt(steps, 4, "I5");
        Assert.Contains(steps[3].Invariants, i => i.Message.Contains("dangling"));
        Assert.Equal(ViolationKind.UseAfterFree, steps[4].Outcome.First!.Kind);
    }

    [Theory]
    [InlineData("V3-merged")]
    [InlineData("V3-final")]
    [InlineData("V2-pre6.16")]
    [InlineData("V1")]
    [InlineData("V0")]
    public void B2026a_fork_failure_is_clean_elsewhere(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, B2026a);
        ScenarioRunner.AssertClean(steps);
        Assert.Equal(OutcomeKind.Error, steps[3].Outcome.Kind);
        Assert.Equal(-12, steps[3].Outcome.ErrorCode);
        Assert.Single(steps[^1].After.Processes);
        Assert.Equal("found p0:0", steps[4].Outcome.Detail);
    }

    // ------------------------------------------------------------------ B-2026b

    private static readonly string[] B2026bUnderflow =
        ["mmap(p0, 0, 1, rw)", "mmap(p0, 1, 2, rwx)", "write(p0, 1)", "inject(avc)", "mprotect(p0, 1, 2, rw)", "munmap(p0, 0, 2)"];

    private static readonly string[] B2026bUaf =
        ["mmap(p0, 0, 1, rw)", "mmap(p0, 1, 2, rwx)", "write(p0, 1)", "inject(avc)", "mprotect(p0, 1, 2, rw)", "write(p0, 0)", "munmap(p0, 1, 2)", "rmap_walk(p0, 0)"];

    [Theory]
    [InlineData("V3-merged")]
    [InlineData("V3-series-v2")]
    public void B2026b_failed_dup_anon_vma_leaves_anon_vma_set_and_underflows(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, B2026bUnderflow);
        Assert.Equal(-12, steps[4].Outcome.ErrorCode);
        AssertInvariantAt(steps, 5, "I2");
        AssertViolationAt(steps, 6, ViolationKind.CounterUnderflow, "unlink_anon_vmas");
        Assert.Contains("num_active_vmas", steps[5].Outcome.First!.Message);
    }

    [Theory]
    [InlineData("V3-merged")]
    [InlineData("V3-series-v2")]
    public void B2026b_fault_in_the_target_then_free_gives_use_after_free(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, B2026bUaf);
        AssertInvariantAt(steps, 5, "I2");
        Assert.Contains(steps[5].Invariants, i => i.Invariant == "I1" && i.Message.Contains("rmap miss"));
        Assert.Contains(steps[6].Invariants, i => i.Invariant == "I1" && i.Message.Contains("freed"));
        AssertViolationAt(steps, 8, ViolationKind.UseAfterFree, "folio_lock_anon_vma_read");
    }

    [Theory]
    [InlineData("V3-final")]
    [InlineData("V2-6.16-fix")]
    [InlineData("V2-6.16")]
    public void B2026b_is_fixed_by_clearing_anon_vma_on_error(string ruleSet)
    {
        ScenarioRunner.AssertClean(ScenarioRunner.Run(ruleSet, B2026bUnderflow));
        var uaf = ScenarioRunner.Run(ruleSet, B2026bUaf);
        ScenarioRunner.AssertClean(uaf);
        Assert.Equal("found p0:0", uaf[^1].Outcome.Detail);
    }

    [Fact]
    public void B2026b_cannot_happen_before_6_16_because_the_merge_is_not_allowed()
    {
        var steps = ScenarioRunner.Run("V2-pre6.16", B2026bUnderflow);
        ScenarioRunner.AssertClean(steps);
        Assert.Equal(OutcomeKind.Ok, steps[4].Outcome.Kind); // no merge: the pending AVC failure is not consumed
        Assert.True(steps[4].After.IsPending(AllocKind.Avc));
    }

    // ------------------------------------------------------------------ B-2026c (61f67c230a5e)

    // Derived from the 61f67c230a5e commit text, case 1 ("previous VMA unfaulted"): the faulted VMA is first moved
    // away (a faulted VMA keeps its pgoff), an unfaulted VMA is mapped so that its end is pgoff-linear with it,
    // then the faulted VMA is moved back next to it: vma_expand() grows the unfaulted prev without duplicating
    // the source's anon_vma, and the old range's unmap frees that anon_vma under the moved page.
    private static readonly string[] B2026c =
        ["mmap(p0, 1, 2, rw)", "write(p0, 1)", "mremap(p0, 1, 2, 3, false)", "mmap(p0, 0, 1, rw)", "mremap(p0, 3, 4, 1, false)", "rmap_walk(p0, 1)"];

    [Fact]
    public void B2026c_mremap_into_unfaulted_prev_frees_the_anon_vma_in_6_16()
    {
        var steps = ScenarioRunner.Run("V2-6.16", B2026c);
        AssertInvariantAt(steps, 5, "I1");
        Assert.Contains(steps[4].Invariants, i => i.Message.Contains("freed"));
        Assert.Null(steps[4].After.Process(0)!.Vmas.Single().AnonVma);
        AssertViolationAt(steps, 6, ViolationKind.UseAfterFree, "folio_lock_anon_vma_read");
    }

    [Theory]
    [InlineData("V2-6.16-fix")]
    [InlineData("V3-final")]
    [InlineData("V2-pre6.16")]
    public void B2026c_is_fixed_or_unreachable(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, B2026c);
        ScenarioRunner.AssertClean(steps);
        Assert.Equal("found p0:1", steps[^1].Outcome.Detail);
    }

    [Fact]
    public void B2026c_with_dontunmap_as_the_commit_text_describes()
    {
        string[] ops = ["mmap(p0, 1, 2, rw)", "write(p0, 1)", "mremap(p0, 1, 2, 3, false)", "mmap(p0, 0, 1, rw)", "mremap(p0, 3, 4, 1, true)", "rmap_walk(p0, 1)"];
        var buggy = ScenarioRunner.Run("V2-6.16", ops);
        AssertViolationAt(buggy, 6, ViolationKind.UseAfterFree, "folio_lock_anon_vma_read");
        ScenarioRunner.AssertClean(ScenarioRunner.Run("V2-6.16-fix", ops));
    }

    // ------------------------------------------------------------------ CVE-2022-42703

    // Derived from the commit text of 2555283eb40d ("leaf nodes being abandoned on anon_vma_clone()"):
    //  1-6  p1 gets an anon_vma A reused from its grandparent's chain, abandoning leaf B (B stays on its chain);
    //  7-9  p2's and p1's VMAs are split; fork of p1 gives p3 two VMAs with fresh children K1, K2 of A, both
    //       linked to B (B's degree is 2, so it was not reused);
    //  10   B's users exit: degree 0 although B is on both chains;
    //  11   p3 faults page 1 into K2;
    //  12   fork of p3: both copies reuse B (degree 0, then 1 < 2): same anon_vma, different chains (I6);
    //  13   mprotect merges them, dropping the chain that held K2 (I1: rmap miss);
    //  14   p3 exits, K2 is freed under p2's page; 15: the walk touches it.
    private static readonly string[] Cve202242703 =
    [
        "mmap(p0, 0, 2, rw)", "write(p0, 0)", "fork(p0)", "fork(p1)", "exit(p1)", "fork(p2)",
        "mprotect(p2, 0, 1, r)", "mprotect(p1, 0, 1, r)", "fork(p1)", "exit(p2)", "write(p3, 1)", "fork(p3)",
        "mprotect(p2, 1, 2, r)", "exit(p3)", "rmap_walk(p2, 1)",
    ];

    [Fact]
    public void Cve_2022_42703_degree_double_reuse_breaks_I6_then_use_after_free()
    {
        var steps = ScenarioRunner.Run("V1", Cve202242703);
        AssertInvariantAt(steps, 12, "I6");
        Assert.Contains(steps[12].Invariants, i => i.Invariant == "I1" && i.Message.Contains("rmap miss"));
        Assert.Contains(steps[13].Invariants, i => i.Invariant == "I1" && i.Message.Contains("freed"));
        AssertViolationAt(steps, 15, ViolationKind.UseAfterFree, "folio_lock_anon_vma_read");
    }

    [Theory]
    [InlineData("V2-pre6.16")]
    [InlineData("V3-final")]
    [InlineData("V0")]
    public void Cve_2022_42703_trace_is_safe_with_split_counters_or_without_reuse(string ruleSet)
    {
        var steps = ScenarioRunner.Run(ruleSet, Cve202242703);
        ScenarioRunner.AssertClean(steps);
        Assert.Equal("found p2:1", steps[^1].Outcome.Detail);
    }

    [Fact]
    public void Cve_2022_42703_single_reuse_while_still_used_is_visible_as_I10()
    {
        // The mechanism in isolation: p2 reuses B, which p0's VMA still uses (found by the random search).
        string[] ops =
        [
            "mmap(p0, 0, 1, rwx)", "write(p0, 0)", "mmap(p0, 2, 3, rw)", "mmap(p0, 1, 2, rwx)", "fork(p0)",
            "munmap(p1, 0, 1)", "exit(p0)", "mprotect(p1, 1, 3, r)", "fork(p1)", "mprotect(p1, 2, 3, rw)",
            "exit(p1)", "fork(p0)", "fork(p1)",
        ];
        var v1 = ScenarioRunner.Run("V1", ops);
        AssertInvariantAt(v1, 13, "I10");
        ScenarioRunner.AssertClean(ScenarioRunner.Run("V2-pre6.16", ops));
    }
}
