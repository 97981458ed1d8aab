using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// The IL evaluator against the closure evaluator on whole state spaces: from every reachable
/// state both must produce the same successors (packed words, fingerprints, labels with their
/// choices) in the same order, the same assertion failures and bound hits, and the same
/// invariant verdicts. Traces found by one are replayed by the other, so they must agree.
public class EvaluatorAgreementTests
{
    [Theory]
    [InlineData("counters", null)]
    [InlineData("philosophers", null)]
    [InlineData("peterson", null)]
    [InlineData("two_phase_commit", null)]
    [InlineData("water_jug", null)]
    public void Examples(string name, string? config) => Agree(SpecHarness.LoadFile(Repo.Example(name), config), 20_000);

    [Theory]
    [InlineData("tiny", 10_000)]
    [InlineData("small", 6_000)]
    [InlineData("flags", 6_000)]
    [InlineData("wide", 3_000)]
    public void Anon_vma(string config, int limit) => Agree(SpecHarness.LoadFile(Repo.Path("spec", "anon_vma.yaml"), config), limit);

    /// A spec with the forms the anon_vma spec does not use: run-time ranges, sequences, maps
    /// built in expressions, `with`, nested definitions with composite results, choices inside
    /// loops over masks and ranges, and parallel updates.
    [Fact]
    public void Rare_forms()
    {
        var ir = SpecHarness.Load("""
            spec: rare
            constants: { N: 3 }
            types:
              Obj: { pool: 3, symmetric: true }
              R: { record: { a: 0..3, b: bool } }
            variables:
              xs: seq(0..3, 3)
              m: 0..2 -> R
              s: set(0..5)
              live: set(Obj)
              n: 0..6
            defs:
              "pair(i: 0..2)": "{a: (i + n) % 4, b: i in s}"
              "second(i: 0..2)": "pair((i + 1) % 3)"
              "total": "card(s) + len(xs)"
            init:
              - "xs := [1]"
              - "n := 0"
            actions:
              push:
                params: { v: 0..3 }
                guard: ["len(xs) < 3"]
                do: ["xs := append(xs, v)"]
              pop:
                guard: ["len(xs) > 0"]
                do: ["xs := tail(xs)", "n := (n + head(xs)) % 7"]
              remap:
                params: { i: 0..2 }
                do:
                  - "m := [j in 0..2 -> if j == i then second(j) else m[j]]"
                  - "m[i].b := not m[i].b"
              spread:
                do:
                  - for: x in n..n + 1 where x <= 5
                    do:
                      - either:
                          - ["s := s union {x}"]
                          - ["s := s diff {x}"]
              scan:
                do:
                  - for: x in s
                    do:
                      - choose y in 0..1
                      - "n := (n + x + y) % 7"
              swap:
                update: { n: "total % 7", s: "{x for x in s where x < 5}" }
              grow:
                do:
                  - alloc o in Obj where o notin live
                  - "live := live union {o}"
              shrink:
                params: { o: Obj }
                guard: ["o in live"]
                do:
                  - "live := live diff {o}"
                  - "xs := xs with [0] = 0"
                  - "require len(xs) > 0"
            invariants:
              small: "n <= 6"
              seq_ok: "forall i in 0..len(xs) - 1: xs[i] <= 3"
            """);
        Agree(ir, 20_000);
    }

    /// The check itself can fail: the closures run a spec whose guard differs by one operator.
    [Fact]
    public void A_difference_is_noticed()
    {
        const string Spec = """
            spec: t
            variables: { x: 0..20 }
            init: { x: 0 }
            actions:
              inc: { guard: ["x GUARD 15"], do: ["x := x + 1"] }
              reset: { guard: ["x > 12"], do: ["x := 0"] }
            """;
        var same = SpecHarness.Load(Spec.Replace("GUARD", "<"));
        Agree(same, 100);
        var other = SpecHarness.Load(Spec.Replace("GUARD", "<="));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Agree(same, 100, other));
    }

    private static void Agree(SpecIr ir, int limit, SpecIr? closuresIr = null)
    {
        var il = new SpecTransitionSystem(ir, evaluator: Evaluator.Il);
        var closures = new SpecTransitionSystem(closuresIr ?? ir, evaluator: Evaluator.Closures);
        Assert.Equal(Evaluator.Il, il.Compiled.Evaluator);
        Assert.Equal(Evaluator.Closures, closures.Compiled.Evaluator);
        var a = il.NewGenerator();
        var b = closures.NewGenerator();
        a.RecordChoices = b.RecordChoices = true;

        var ra = new Recorder();
        var rb = new Recorder();
        a.Initial(ra);
        b.Initial(rb);
        Assert.Equal(rb.Events, ra.Events);
        var queue = new Queue<ulong[]>(ra.States);
        var seen = new HashSet<ulong>(ra.Fingerprints);
        int expanded = 0, successors = 0;
        while (queue.Count > 0 && expanded < limit)
        {
            var state = queue.Dequeue();
            expanded++;
            Assert.Equal(Describe(b.CheckInvariants(state)), Describe(a.CheckInvariants(state)));
            ra.Clear();
            rb.Clear();
            try { a.Successors(state, ra); }
            catch (EvalError e) { ra.Events.Add($"error {e.Span} {e.Message}"); }
            try { b.Successors(state, rb); }
            catch (EvalError e) { rb.Events.Add($"error {e.Span} {e.Message}"); }
            Assert.Equal(rb.Events, ra.Events);
            successors += ra.States.Count;
            for (int i = 0; i < ra.States.Count; i++)
                if (seen.Add(ra.Fingerprints[i])) queue.Enqueue(ra.States[i]);
        }
        Assert.True(expanded > 10 && successors > expanded, $"only {expanded} states expanded, {successors} successors");
    }

    private static string Describe(InvariantFailure? f) => f is null ? "ok" : $"{f.Invariant} {f.Conjunct} {f.Witness}";

    private sealed class Recorder : IStateVisitor
    {
        public List<string> Events { get; } = [];
        public List<ulong[]> States { get; } = [];
        public List<ulong> Fingerprints { get; } = [];

        public void Clear()
        {
            Events.Clear();
            States.Clear();
            Fingerprints.Clear();
        }

        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
        {
            Events.Add($"{g.CurrentLabel().Show()} -> {string.Join(",", packed.ToArray())} #{fingerprint:x16}");
            States.Add(packed.ToArray());
            Fingerprints.Add(fingerprint);
        }

        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) => Events.Add($"{g.CurrentLabel().Show()} assert {assertion} {span}");
        public void OnBoundReached(IStateGenerator g, string pool) => Events.Add($"{g.CurrentLabel().Show()} bound {pool}");
    }
}
