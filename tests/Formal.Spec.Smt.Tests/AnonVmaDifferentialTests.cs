using Formal.Spec.Ir;
using Formal.Spec.Types;
using Formal.Tests;

namespace Formal.Spec.Smt.Tests;

/// Planted bugs in spec/anon_vma.yaml (configuration tiny): BMC's violation depth is the
/// explorer's shortest trace length. The bugs are shallow on purpose: BMC of this spec takes
/// seconds at depth 3 and minutes at depth 4 (see spec/Formal.Spec.Smt/README.md).
[Trait("Category", "Slow")]
public class AnonVmaDifferentialTests
{
    private static SpecIr AnonVma(params (string From, string To)[] edits)
    {
        var text = File.ReadAllText(Repo.Path("spec", "anon_vma.yaml"));
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        return SpecHarness.Load(text, "tiny");
    }

    private static void Agree(params (string From, string To)[] edits) =>
        Assert.NotNull(ExampleDifferentialTests.AssertAgree(AnonVma(edits), 3));

    [Fact]
    public void A_new_root_that_is_not_linked_breaks_self_membership() => Agree(
        ("      - vma[v].anon := some(a)\n      - link(v, a)\n\n", "      - vma[v].anon := some(a)\n\n"));

    [Fact]
    public void Forgetting_the_active_count_on_unlink_fails_the_kernel_assertion() => Agree(
        ("        then: [\"av[vma[v].anon.value].num_active_vmas := av[vma[v].anon.value].num_active_vmas - 1\"]", "        then: [skip]"));

    [Fact]
    public void A_page_indexed_off_by_one_is_not_found_by_the_rmap_walk() => Agree(
        ("index: vma[v].pgoff + (addr - vma[v].start), exclusive: true, mapcount: 1}", "index: vma[v].pgoff + (addr - vma[v].start) + 1, exclusive: true, mapcount: 1}"));

    [Fact]
    public void Zapping_without_clearing_the_page_table_leaves_a_dangling_mapping() => Agree(
        ("      - let g = pte[p][x].value\n      - pte[p][x] := none\n", "      - let g = pte[p][x].value\n"));

    [Fact]
    public void The_unmodified_spec_has_no_violation_within_three_steps() =>
        Assert.Null(ExampleDifferentialTests.AssertAgree(AnonVma(), 3));
}
