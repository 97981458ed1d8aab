using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// The anon_vma spec: all invariants hold on the small configurations, and every invariant is
/// non-vacuous: a deliberately broken copy of one kernel function is reported as exactly that
/// invariant, with a shortest trace.
public class AnonVmaSpecTests
{
    private static string Spec => File.ReadAllText(Repo.Path("spec", "anon_vma.yaml"));

    private static ExploreResult Run(string text, string config, params (string, long)[] consts) =>
        ExplorerHarness.Run(SpecHarness.Load(text, config, consts));

    [Theory]
    [InlineData("tiny", 3650)]
    // small has madvise: 49,095 since fork may also anon_vma_prepare() VM_WIPEONFORK copies as
    // v4.14..v5.x did (47,841 before); tiny has no fork, default no madvise, so theirs stay.
    [InlineData("small", 49095)]
    public void All_invariants_hold(string config, long orbits)
    {
        var r = Run(Spec, config);
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal(orbits, r.Stats.Distinct);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void All_invariants_hold_on_the_default_configuration()
    {
        var r = Run(Spec, "default");
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal(301_023, r.Stats.Distinct);
    }

    // 12 million orbits (about a minute): a weak hash in the generator (the cache key of
    // canonical forms once let states that differ in a word's top bits collide) loses a few
    // of them here first.
    [Fact]
    [Trait("Category", "Slow")]
    public void All_invariants_hold_on_the_wide_configuration()
    {
        var r = Run(Spec, "wide");
        Assert.Equal(Verdict.Ok, r.Verdict);
        Assert.Equal(12_251_118, r.Stats.Distinct);
        Assert.Equal(407_150_547, r.Stats.Generated);
    }

    public static TheoryData<string, string, string, string, int> Mutants() => new()
    {
        {
            "I1_reachability", "fork forgets to link the child VMA to the parent's anon_vmas",
            """
                      - for: a in vma[v].chain
                        do: ["link(w, a)"]
                      - either:
            """,
            """
                      - either:
            """, 3
        },
        {
            "I2_self_membership", "MREMAP_DONTUNMAP leaves the old VMA's anon_vma set (B-2021, before ee8ab1903e3d)",
            "then: [\"unlink_anon_vmas(o)\"]",
            "then: [\"let keep = vma[o].anon\", \"unlink_anon_vmas(o)\", \"vma[o].anon := keep\"]", 3
        },
        {
            "I3_unfaulted_no_links", "MREMAP_DONTUNMAP leaves the old VMA's chain behind",
            "then: [\"unlink_anon_vmas(o)\"]",
            "then: [\"let keep = vma[o].chain\", \"unlink_anon_vmas(o)\", \"vma[o].chain := keep\"]", 3
        },
        {
            "I4_one_root", "anon_vma_fork makes the child's anon_vma a root of its own",
            "\"av[n] := {state: live, root: av[pa].root, parent: pa,",
            "\"av[n] := {state: live, root: n, parent: pa,", 3
        },
        {
            "I5_chain_tree_bijection", "unlink_anon_vmas forgets to take the VMA out of the trees",
            """
                      - av[a].tree := av[a].tree diff {v}
                      - if: av[a].tree == {}
            """,
            """
                      - if: av[a].tree == {v}
            """, 3
        },
        {
            "I6_same_anon_same_chain", "anon_vma_fork also links the parent VMA to the child's new anon_vma",
            """
                            - vma[w].anon := some(n)
                            - link(w, n)
            """,
            """
                            - vma[w].anon := some(n)
                            - link(w, n)
                            - link(v, n)
            """, 4
        },
        {
            "I7_chain_closed_under_parent", "anon_vma_fork skips the parent VMA's own (non-root) anon_vma",
            """
                      - for: a in vma[v].chain
                        do: ["link(w, a)"]
            """,
            """
                      - for: a in vma[v].chain where is_root(a) or vma[v].anon != a
                        do: ["link(w, a)"]
            """, 5
        },
        {
            "I8_counters", "anon_vma_fork forgets to count the new child in its parent",
            "                - av[pa].num_children := av[pa].num_children + 1\n",
            "", 3
        },
        {
            "I9_lifetime", "exit_mmap unlinks the anon_vmas before zapping the pages",
            """
                  - for: x in Addr where pte[proc][x] != none
                    do: ["unmap_page(proc, x)"]
                  - for: v in Vma where vma[v].live and vma[v].mm == proc
                    do: ["remove_vma(v)"]
            """,
            """
                  - for: v in Vma where vma[v].live and vma[v].mm == proc
                    do: ["remove_vma(v)"]
                  - for: x in Addr where pte[proc][x] != none
                    do: ["unmap_page(proc, x)"]
            """, 3
        },
        {
            "I10_reuse_discipline", "fork reuses by the degree-era rule (CVE-2022-42703)",
            "choose a in vma[v].chain where av[a].num_active_vmas == 0 and av[a].num_children < 2",
            "choose a in vma[v].chain where av[a].num_active_vmas + av[a].num_children < 2", 5
        },
    };

    [Theory]
    [MemberData(nameof(Mutants))]
    public void A_planted_bug_is_reported_as_exactly_its_invariant(string invariant, string bug, string from, string to, int length)
    {
        var text = Spec;
        Assert.True(text.Contains(from, StringComparison.Ordinal), $"the spec no longer contains the code the mutant '{bug}' changes");
        var consts = invariant.StartsWith("I6", StringComparison.Ordinal) ? new[] { ("VMAS", 4L), ("PAGES", 1L) } : [];
        var config = invariant is "I2_self_membership" or "I3_unfaulted_no_links" ? "small" : "default";
        var r = Run(text.Replace(from, to, StringComparison.Ordinal), config, consts);
        Assert.Equal(Verdict.Violation, r.Verdict);
        Assert.Equal((ViolationKind.Invariant, invariant), (r.Trace!.Violation.Kind, r.Trace.Violation.Property));
        Assert.Equal(length, r.Trace.Length);
    }
}
