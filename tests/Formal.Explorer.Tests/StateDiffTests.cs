using Formal.Explorer.Traces;
using Formal.Spec.Runtime;
using Formal.Spec.Types;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// The text diff in the words of the data: set elements added and removed, map entries and
/// record fields by path.
public class StateDiffTests
{
    private static VObj A(int i) => new("AnonVma", i);
    private static VSet Set(params Value[] items) => new(EquatableArray<Value>.From(items));
    private static VRecord Rec(params (string, Value)[] fields) => new(EquatableArray<(string, Value)>.From(fields));
    private static VMap Map(params (Value, Value)[] entries) => new(EquatableArray<(Value, Value)>.From(entries));

    [Fact]
    public void Sets_show_what_was_added_and_removed()
    {
        var before = Map((new VObj("Vma", 2), Set(A(0), A(2))));
        var after = Map((new VObj("Vma", 2), Set(A(0), A(1))));
        Assert.Equal(["chain[Vma2] += AnonVma1", "chain[Vma2] -= AnonVma2"], StateDiff.Lines([("chain", before)], [("chain", after)]));
    }

    [Fact]
    public void Records_in_maps_show_the_field_that_changed()
    {
        var before = Map((A(1), Rec(("num_children", new VInt(1)), ("tree", Set()))));
        var after = Map((A(1), Rec(("num_children", new VInt(2)), ("tree", Set(new VObj("Vma", 0), new VObj("Vma", 1))))));
        Assert.Equal(["av[AnonVma1].num_children: 1 -> 2", "av[AnonVma1].tree += {Vma0, Vma1}"], StateDiff.Lines([("av", before)], [("av", after)]));
        Assert.Equal(["av[AnonVma1].num_children", "av[AnonVma1].tree"], StateDiff.ChangedPaths([("av", before)], [("av", after)]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Options_and_scalars_show_old_and_new()
    {
        var before = Map((new VObj("Page", 2), (Value)VNone.Instance));
        var after = Map((new VObj("Page", 2), A(1)));
        Assert.Equal(["mapping[Page2]: none -> AnonVma1"], StateDiff.Lines([("mapping", before)], [("mapping", after)]));
    }

    [Fact]
    public void A_two_phase_commit_trace_reads_in_set_words()
    {
        var t = TraceHarness.Check(TraceHarness.MutantFile("two_phase_commit", TraceHarness.TpcNoCommit), "two");
        Assert.Equal("NoCommit", t.Violation.Property);
        Repo.Golden("tests/Formal.Explorer.Tests/Golden/two_phase_commit_commit.trace.txt", TraceText.Header(t).Replace(t.File, "two_phase_commit.yaml") + TraceText.Render(t));
    }
}
