using System.Text;
using System.Text.Json;
using Formal.Explorer.Traces;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// ITF (Apalache ADR-015, as Quint writes it): the shape viewers expect, with the action taken,
/// the nondeterministic picks and the violation.
public class ItfTests
{
    private static string Itf(Trace t, Formal.Spec.Ir.SpecIr ir)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
            ItfJson.Write(w, t with { File = Path.GetFileName(t.File) }, n => ir.Vars.FirstOrDefault(v => v.Name == n)?.Type);
        return Encoding.UTF8.GetString(ms.ToArray()) + "\n";
    }

    [Fact]
    public void Water_jug_matches_the_golden_itf()
    {
        var ir = SpecHarness.LoadFile(Repo.Example("water_jug"));
        var t = ExplorerHarness.Run(ir).Trace!;
        Repo.Golden("tests/Formal.Explorer.Tests/Golden/water_jug.itf.json", Itf(t, ir));
    }

    [Fact]
    public void States_have_an_index_ints_are_bigints_and_the_violation_is_in_the_meta()
    {
        var path = TraceHarness.MutantFile("two_phase_commit", TraceHarness.TpcNoCommit);
        var ir = SpecHarness.LoadFile(path, "two");
        var t = ExplorerHarness.Run(ir).Trace!;
        using var doc = JsonDocument.Parse(Itf(t, ir));
        var root = doc.RootElement;
        Assert.Equal("ITF", root.GetProperty("#meta").GetProperty("format").GetString());
        Assert.Equal("NoCommit", root.GetProperty("#meta").GetProperty("violation").GetProperty("property").GetString());
        Assert.Equal(t.Length, root.GetProperty("#meta").GetProperty("violation").GetProperty("step").GetInt32());
        Assert.Equal(["rm", "tm", "tm_prepared", "msg_prepared", "msg_commit", "msg_abort", "mbt::actionTaken", "mbt::nondetPicks"],
            root.GetProperty("vars").EnumerateArray().Select(v => v.GetString()));
        var states = root.GetProperty("states").EnumerateArray().ToList();
        Assert.Equal(t.Steps.Count, states.Count);
        for (int i = 0; i < states.Count; i++) Assert.Equal(i, states[i].GetProperty("#meta").GetProperty("index").GetInt32());
        Assert.Equal("init", states[0].GetProperty("mbt::actionTaken").GetString());
        var prepare = states[1];
        Assert.Equal("RMPrepare", prepare.GetProperty("mbt::actionTaken").GetString());
        var pick = prepare.GetProperty("mbt::nondetPicks").GetProperty("r");
        Assert.Equal("Some", pick.GetProperty("tag").GetString());
        Assert.Equal("0", pick.GetProperty("value").GetProperty("#bigint").GetString());
        Assert.Equal("0", prepare.GetProperty("msg_prepared").GetProperty("#set")[0].GetProperty("#bigint").GetString());
        var rm = prepare.GetProperty("rm").GetProperty("#map");
        Assert.Equal("prepared", rm[0][1].GetString());
    }

    [Fact]
    public void Options_are_quint_variants()
    {
        var path = TraceHarness.TempSpec("""
            spec: t
            variables: { o: option(0..3) }
            init: { o: none }
            actions:
              Set: { update: { o: some(2) } }
            invariants: { Never: o == none }
            """);
        var ir = SpecHarness.LoadFile(path);
        using var doc = JsonDocument.Parse(Itf(ExplorerHarness.Run(ir).Trace!, ir));
        var states = doc.RootElement.GetProperty("states");
        Assert.Equal("""{"tag":"None","value":{"#tup":[]}}""", states[0].GetProperty("o").GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.Equal("""{"tag":"Some","value":{"#bigint":"2"}}""", states[1].GetProperty("o").GetRawText().Replace(" ", "").Replace("\n", ""));
    }
}
