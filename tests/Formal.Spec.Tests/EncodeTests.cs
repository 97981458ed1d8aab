using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Types;
using Formal.Tests;

namespace Formal.Spec.Tests;

/// The public encode and inspection API that the refinement checker builds states with.
public class EncodeTests
{
    private static SpecTransitionSystem AnonVma(bool symmetry = true) =>
        new(SpecHarness.LoadFile(Repo.Path("spec", "anon_vma.yaml"), "tiny", ("PROCS", 2)), symmetry);

    [Fact]
    public void Encode_inverts_decode_on_every_reachable_state()
    {
        var ts = AnonVma();
        var states = Reachable(ts, 2000);
        Assert.True(states.Count > 100);
        foreach (var s in states)
        {
            var packed = ts.Encode(ts.Decode(s), out var error);
            Assert.Null(error);
            Assert.Equal(s, packed);
        }
    }

    [Fact]
    public void Inspector_fingerprints_equal_the_generators_and_agree_across_an_orbit()
    {
        var ts = AnonVma();
        var inspector = ts.NewInspector();
        var gen = ts.NewGenerator();
        var seen = new Dictionary<ulong, ulong[]>();
        int compared = 0;
        foreach (var s in Reachable(ts, 300))
        {
            var v = new Visitor((packed, fp) =>
            {
                Assert.Equal(fp, inspector.Fingerprint(packed));
                compared++;
            });
            gen.Successors(s, v);
        }
        Assert.True(compared > 1000);
        Assert.Equal(0, inspector.InexactCanonicalForms);

        // Swapping the two processes of a state with one process per slot keeps the orbit.
        var two = Reachable(ts, 5000).First(s =>
            ts.Decode(s).Single(v => v.Name == "procs").Value is VSet { Items.Count: 2 }
            && ts.Decode(s).Single(v => v.Name == "vma").Value is VMap m
            && m.Entries.Any(e => e.Value is VRecord r && r.Fields.Contains(("live", new VBool(true)))));
        var vars = ts.Decode(two);
        var swapped = vars.Select(v => (v.Name, Swap(v.Value))).ToList();
        var moved = ts.Encode(swapped, out var err);
        Assert.Null(err);
        Assert.NotEqual(two, moved);
        Assert.Equal(inspector.Fingerprint(two), inspector.Fingerprint(moved!));
    }

    [Fact]
    public void Inspector_reports_the_first_failing_invariant_with_its_conjunct()
    {
        var ts = AnonVma();
        var init = Reachable(ts, 1)[0];
        var inspector = ts.NewInspector();
        Assert.Null(inspector.CheckInvariants(init));
        var vars = ts.Decode(init).ToList();
        int i = vars.FindIndex(v => v.Name == "av");
        var av = (VMap)vars[i].Value;
        var first = (VRecord)av.Entries[0].Value;
        var freed = new VRecord(EquatableArray<(string, Value)>.From(first.Fields.Select(f => f.Name == "state" ? (f.Name, (Value)new VEnum("AvState", "freed", 2)) : f)));
        vars[i] = ("av", new VMap(EquatableArray<(Value, Value)>.From(av.Entries.Select((e, k) => k == 0 ? (e.Key, (Value)freed) : e))));
        var bad = ts.Encode(vars, out var error);
        Assert.Null(error);
        var failure = inspector.CheckInvariants(bad!);
        Assert.NotNull(failure);
        Assert.Equal("I9_lifetime", failure!.Invariant);
        Assert.Equal(0, failure.Conjunct);
    }

    [Fact]
    public void Values_that_do_not_fit_are_reported_by_path()
    {
        var ts = AnonVma();
        var vars = ts.Decode(Reachable(ts, 1)[0]).ToList();
        Assert.Null(ts.Encode([("procs", new VSet(EquatableArray<Value>.From([new VObj("Proc", 5)])))], out _));
        ts.Encode([("procs", new VSet(EquatableArray<Value>.From([new VObj("Proc", 5)])))], out var e1);
        Assert.Equal("procs element: Proc5 is outside the pool Proc (2 objects)", e1);
        ts.Encode([("nope", new VBool(true))], out var e2);
        Assert.Equal("the spec has no variable nope", e2);
        var page = new VMap(EquatableArray<(Value, Value)>.From([(new VObj("Page", 0),
            new VRecord(EquatableArray<(string, Value)>.From([("mapcount", (Value)new VInt(9))])))]));
        ts.Encode([("page", page)], out var e3);
        Assert.Equal("page[Page0].mapcount: 9 is outside 0..2", e3);
    }

    private static Value Swap(Value v) => v switch
    {
        VObj { Pool: "Proc" } o => o with { Index = 1 - o.Index },
        VSet s => new VSet(EquatableArray<Value>.From(s.Items.Select(Swap).OrderBy(x => x is VObj o ? o.Index : 0))),
        // A free slot holds the type's default values; it is blank whatever process they name.
        VRecord r when r.Fields.Any(f => f is ("live", VBool { B: false })) => r,
        VRecord r => new VRecord(EquatableArray<(string, Value)>.From(r.Fields.Select(f => (f.Name, Swap(f.Value))))),
        VMap m => new VMap(EquatableArray<(Value, Value)>.From(m.Entries.Select(e => (Swap(e.Key), Swap(e.Value))).OrderBy(e => e.Item1 is VObj o ? o.Index : 0))),
        _ => v,
    };

    private static List<ulong[]> Reachable(SpecTransitionSystem ts, int limit)
    {
        var gen = ts.NewGenerator();
        var states = new List<ulong[]>();
        var seen = new HashSet<ulong>();
        var v = new Visitor((p, fp) => { if (seen.Add(fp) && states.Count < limit) states.Add(p.ToArray()); });
        gen.Initial(v);
        for (int i = 0; i < states.Count && states.Count < limit; i++) gen.Successors(states[i], v);
        return states;
    }

    private delegate void OnStateFn(ReadOnlySpan<ulong> packed, ulong fingerprint);

    private sealed class Visitor(OnStateFn f) : IStateVisitor
    {
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) => f(packed, fingerprint);
        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) { }
        public void OnBoundReached(IStateGenerator g, string pool) { }
    }
}
