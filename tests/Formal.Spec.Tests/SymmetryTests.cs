using Formal.Spec.Ir;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Spec.Tests;

/// The reduction is exact: the number of states stored with symmetry equals the number of
/// orbits of the full state space, computed by brute force over all permutations of the pools.
public class SymmetryTests
{
    private const string Friends = """
        spec: friends
        types:
          P: { pool: 3, symmetric: true }
        variables:
          level: P -> 0..2
          friend: P -> option(P)
          club: set(P)
        init:
          level: "[p in P -> 0]"
          friend: "[p in P -> none]"
          club: "{}"
        actions:
          Up:
            params: { p: P }
            guard: level[p] < 2
            update: { "level[p]": "level[p] + 1" }
          Befriend:
            params: { p: P, q: P }
            guard: [p != q, "friend[p] == none"]
            update: { "friend[p]": some(q) }
          Join:
            params: { p: P }
            guard: level[p] == 2
            update: { club: "club union {p}" }
        """;

    // A map keyed by two objects: its slots have two keys, which only the generic refinement
    // loops handle (blank marking and permuting are compiled for them too).
    private const string Edges = """
        spec: edges
        types:
          P: { pool: 3, symmetric: true }
        variables:
          edge: "P -> (P -> bool)"
          mark: option(P)
        init:
          edge: "[p in P -> [q in P -> false]]"
          mark: none
        actions:
          Link:
            params: { p: P, q: P }
            guard: [p != q, "not edge[p][q]"]
            update: { "edge[p][q]": true }
          Mark:
            params: { p: P }
            guard: mark == none
            update: { mark: some(p) }
        """;

    private static SpecIr Load(string name, string? config) => name switch
    {
        "friends" => SpecHarness.Load(Friends),
        "edges" => SpecHarness.Load(Edges),
        _ => SpecHarness.LoadFile(Repo.Path("spec", name + ".yaml"), config),
    };

    public static TheoryData<string, string?> Specs() => new()
    {
        { "friends", null },
        { "edges", null },
        { "anon_vma", "tiny" },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Reduced_count_equals_the_number_of_orbits(string name, string? config)
    {
        var ir = Load(name, config);
        var (states, _) = Explore(new SpecTransitionSystem(ir, symmetry: false));
        var reduced = new SpecTransitionSystem(ir, symmetry: true);
        var canon = new Canonicalizer(reduced.Symmetry!, reduced.Compiled.Layout);
        var layout = reduced.Compiled.Layout;
        var slots = new long[layout.Slots];
        var words = new ulong[layout.Words];
        var orbits = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in states)
        {
            layout.Unpack(s, slots);
            canon.BruteForce(slots, words);
            orbits.Add(string.Join(",", words));
        }
        var (_, distinct) = Explore(reduced);
        Assert.True(orbits.Count < states.Count, "the example should have symmetric states");
        Assert.Equal(orbits.Count, distinct);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Reduced_count_equals_the_number_of_orbits_for_the_small_anon_vma_config() =>
        Reduced_count_equals_the_number_of_orbits("anon_vma", "small");

    [Fact]
    public void Canonical_forms_agree_on_every_permutation_of_a_state()
    {
        var ir = SpecHarness.LoadFile(Repo.Path("spec", "anon_vma.yaml"), "tiny", ("PROCS", 2), ("ADDR", 3));
        var ts = new SpecTransitionSystem(ir, symmetry: true);
        var (states, _) = Explore(new SpecTransitionSystem(ir, symmetry: false), limit: 3000);
        var layout = ts.Compiled.Layout;
        var sym = ts.Symmetry!;
        var canon = new Canonicalizer(sym, layout);
        var rnd = new Random(7);
        var slots = new long[layout.Slots];
        var moved = new long[layout.Slots];
        var a = new ulong[layout.Words];
        var b = new ulong[layout.Words];
        var blank = sym.Pools.Select(p => new bool[p.Size]).ToArray();
        var slotBlank = new bool[layout.Slots];
        foreach (var s in states.Where((_, i) => i % 7 == 0))
        {
            layout.Unpack(s, slots);
            canon.Canonicalize(slots, a);
            var perm = sym.Pools.Select(p => Enumerable.Range(0, p.Size).OrderBy(_ => rnd.Next()).ToArray()).ToArray();
            sym.Blank(slots, layout.Defaults, blank, slotBlank);
            sym.Permute(slots, perm, slotBlank, layout.Defaults, moved);
            canon.Canonicalize(moved, b);
            Assert.Equal(a, b);
        }
    }

    [Theory]
    [InlineData("anon_vma", "small")]
    [InlineData("anon_vma", "flags")]
    [InlineData("edges", null)]
    public unsafe void Compiled_blank_and_permute_agree_with_the_generic_loops(string name, string? config)
    {
        var ts = new SpecTransitionSystem(Load(name, config), symmetry: false);
        var (states, _) = Explore(ts, limit: 3000);
        var s = new SymmetryLayout(ts.Ir.Vars, ts.Ir.Pools.Where(p => p.Symmetric).ToList());
        Assert.Equal(name != "edges", s.TouchCode() is not null); // two-key slots: generic refinement
        var layout = ts.Compiled.Layout;
        var bases = SymmetryCode.Bases(s);
        var blankCode = s.BlankCode();
        var permuteCode = s.PermuteCode();
        var rnd = new Random(3);
        var slots = new long[layout.Slots];
        var blank = s.Pools.Select(p => new bool[p.Size]).ToArray();
        var slotBlank = new bool[layout.Slots];
        var blankFlat = new byte[bases[^1]];
        var slotBlankFlat = new byte[layout.Slots];
        var expected = new long[layout.Slots];
        var actual = new long[layout.Slots];
        int blankObjects = 0;
        foreach (var state in states)
        {
            layout.Unpack(state, slots);
            s.Blank(slots, layout.Defaults, blank, slotBlank);
            fixed (long* sp = slots)
            fixed (byte* bp = blankFlat)
            fixed (byte* sb = slotBlankFlat)
                blankCode(sp, bp, sb);
            for (int p = 0; p < s.Pools.Length; p++)
                for (int o = 0; o < s.Pools[p].Size; o++)
                {
                    Assert.Equal(blank[p][o], blankFlat[bases[p] + o] != 0);
                    if (blank[p][o]) blankObjects++;
                }
            Assert.Equal(slotBlank, slotBlankFlat.Select(b => b != 0));
            // A random renumbering of every pool.
            var perm = s.Pools.Select(p => Enumerable.Range(0, p.Size).OrderBy(_ => rnd.Next()).ToArray()).ToArray();
            var permFlat = perm.SelectMany(x => x).ToArray();
            s.Permute(slots, perm, slotBlank, layout.Defaults, expected);
            fixed (long* sp = slots)
            fixed (int* pp = permFlat)
            fixed (byte* sb = slotBlankFlat)
            fixed (long* dp = actual)
                permuteCode(sp, pp, sb, dp);
            Assert.Equal(expected, actual);
        }
        Assert.True(states.Count >= 200 && blankObjects > 0, $"{states.Count} states, {blankObjects} blank objects");
    }

    [Theory]
    [InlineData("small")]
    [InlineData("flags")]
    public void Compiled_refinement_gives_the_same_canonical_forms(string config)
    {
        var ts = new SpecTransitionSystem(SpecHarness.LoadFile(Repo.Path("spec", "anon_vma.yaml"), config), symmetry: false);
        var (states, _) = Explore(ts, limit: 5000);
        var s = new SymmetryLayout(ts.Ir.Vars, ts.Ir.Pools.Where(p => p.Symmetric).ToList());
        var layout = ts.Compiled.Layout;
        Assert.NotNull(s.TouchCode());
        var compiled = new Canonicalizer(s, layout);
        var generic = new Canonicalizer(s, layout, compiled: false);
        var slots = new long[layout.Slots];
        var a = new ulong[layout.Words];
        var b = new ulong[layout.Words];
        int changed = 0;
        foreach (var state in states)
        {
            layout.Unpack(state, slots);
            compiled.Canonicalize(slots, a);
            generic.Canonicalize(slots, b);
            Assert.Equal(b, a);
            if (!a.AsSpan().SequenceEqual(state)) changed++;
        }
        // Not a vacuous comparison: many states are not their own canonical form.
        Assert.True(changed > states.Count / 10, $"{changed} of {states.Count} states changed");
    }

    // The first round's specialised code computes what a general round computes from the
    // initial colours, term for term (a different but still orbit-invariant colouring would give
    // the same state counts, so counts alone would not tell).
    [Theory]
    [InlineData("small")]
    [InlineData("flags")]
    public unsafe void The_first_round_equals_a_round_from_the_initial_colours(string config)
    {
        var ts = new SpecTransitionSystem(SpecHarness.LoadFile(Repo.Path("spec", "anon_vma.yaml"), config), symmetry: false);
        var (states, _) = Explore(ts, limit: 3000);
        var s = new SymmetryLayout(ts.Ir.Vars, ts.Ir.Pools.Where(p => p.Symmetric).ToList());
        var layout = ts.Compiled.Layout;
        var bases = SymmetryCode.Bases(s);
        int objects = bases[^1];
        var blank = s.BlankCode();
        var touch = s.TouchCode()!;
        var round = s.RoundCode()!;
        var first = s.FirstRoundCode()!;
        var slots = new long[layout.Slots];
        var blankFlat = new byte[objects];
        var slotBlank = new byte[layout.Slots];
        var touched = new byte[objects];
        var fixedSums = new ulong[objects];
        var color = new ulong[objects];
        for (int p = 0; p < s.Pools.Length; p++)
            for (int o = bases[p]; o < bases[p + 1]; o++) color[o] = RefinementCode.InitialColor(p);
        var expected = new ulong[objects];
        var actual = new ulong[objects];
        var garbage = new ulong[objects];
        Array.Fill(garbage, 0xDEADBEEFUL);
        int differ = 0;
        foreach (var state in states)
        {
            layout.Unpack(state, slots);
            fixed (long* sp = slots)
            fixed (byte* bp = blankFlat)
            fixed (byte* sb = slotBlank)
            fixed (byte* tp = touched)
            fixed (ulong* fp = fixedSums)
            fixed (ulong* cp = color)
            fixed (ulong* gp = garbage)
            fixed (ulong* ep = expected)
            fixed (ulong* ap = actual)
            {
                blank(sp, bp, sb);
                touch(sp, sb, bp, tp, fp);
                round(sp, sb, tp, cp, fp, ep);
                // The first round does not read the colours.
                first(sp, sb, tp, gp, fp, ap);
            }
            Assert.Equal(expected, actual);
            if (expected.Distinct().Count() > s.Pools.Length) differ++;
        }
        // Not vacuous: in most states the round separates objects of one pool.
        Assert.True(differ > states.Count / 2, $"{differ} of {states.Count}");
    }

    /// Plain BFS over a transition system: every distinct state (packed) and the number of
    /// distinct fingerprints (canonical ones when the system reduces by symmetry).
    private static (List<ulong[]> States, int Distinct) Explore(SpecTransitionSystem ts, int limit = int.MaxValue)
    {
        var gen = ts.NewGenerator();
        var v = new Collect();
        gen.Initial(v);
        for (int i = 0; i < v.States.Count && v.States.Count < limit; i++) gen.Successors(v.States[i], v);
        return (v.States, v.Seen.Count);
    }

    private sealed class Collect : IStateVisitor
    {
        public readonly List<ulong[]> States = new();
        public readonly HashSet<ulong> Seen = new();

        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
        {
            if (Seen.Add(fingerprint)) States.Add(packed.ToArray());
        }

        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) { }
        public void OnBoundReached(IStateGenerator g, string pool) { }
    }
}
