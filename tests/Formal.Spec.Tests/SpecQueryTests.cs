using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Spec.Tests;

/// Standalone predicates checked and compiled against a spec, and successors of one action.
public class SpecQueryTests
{
    private const string Counter = """
        spec: t
        constants: { N: 3 }
        types: { Pid: 0..1 }
        variables: { x: "0..N", done: Pid -> bool }
        defs: { "big(k: 0..3)": x >= k }
        init: { x: 0, done: "[p in Pid -> false]" }
        actions:
          Inc: { guard: x < N, update: { x: x + 1 } }
          Finish: { params: { p: Pid }, update: { "done[p]": true } }
        """;

    private static (SpecTransitionSystem Ts, List<ulong[]> States) Load(string yaml, params string[] queries)
    {
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        var diags = new DiagnosticBag();
        var ir = SpecQuery.Load(path, null, [], queries.Select((q, i) => QueryText.FromFlag($"--q{i}", q)).ToList(), diags);
        File.Delete(path);
        Assert.True(ir is not null, string.Join("\n", diags.Items));
        var ts = new SpecTransitionSystem(ir!);
        var states = new List<ulong[]>();
        var g = ts.NewGenerator();
        var c = new Capture(states);
        g.Initial(c);
        for (int i = 0; i < 3; i++) g.Successors(states[^1], c, "Inc");
        return (ts, states);
    }

    private sealed class Capture(List<ulong[]> into) : IStateVisitor
    {
        public List<string> Actions { get; } = new();
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) { into.Add(packed.ToArray()); Actions.Add(g.CurrentLabel().Action); }
        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) { }
        public void OnBoundReached(IStateGenerator g, string pool) { }
    }

    [Fact]
    public void Predicates_see_constants_variables_and_definitions()
    {
        var (ts, states) = Load(Counter, "x == N", "big(2) and not done[0]", "forall p in Pid: not done[p]");
        Assert.Equal(4, states.Count); // initial, then Inc three times (one successor each)
        var q = ts.NewQueryEvaluator();
        Assert.Equal(3, q.Count);
        Assert.Equal([false, false, false, true], states.Select(s => q.Holds(0, s)));
        Assert.Equal([false, false, true, true], states.Select(s => q.Holds(1, s)));
        Assert.All(states, s => Assert.True(q.Holds(2, s)));
    }

    [Fact]
    public void Successors_of_one_action_are_only_that_action()
    {
        var (ts, states) = Load(Counter);
        var all = new List<ulong[]>();
        var c = new Capture(all);
        ts.NewGenerator().Successors(states[0], c, "Finish");
        Assert.Equal(["Finish", "Finish"], c.Actions);
        var none = new Capture([]);
        ts.NewGenerator().Successors(states[0], none, "NoSuchAction");
        Assert.Empty(none.Actions);
    }

    [Fact]
    public void Bad_predicates_are_reported_at_their_position_and_queries_stay_out_of_the_invariants()
    {
        var path = Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Counter);
        var diags = new DiagnosticBag();
        var ir = SpecQuery.Load(path, null, [], [QueryText.FromFlag("--never-again", "x == y"), QueryText.FromFlag("--path-to", "x + 1"), QueryText.FromFlag("--path-from", "old(x) == 0")], diags);
        Assert.Null(ir);
        var errors = diags.Sorted().Select(d => d.Render()).ToList();
        Assert.Contains(errors, e => e.StartsWith("--never-again:1:6: error: unknown name 'y'", StringComparison.Ordinal));
        Assert.Contains("--path-to:1:1: error: --path-to must be a boolean expression over the state, not 1..4", errors);
        Assert.Contains(errors, e => e.StartsWith("--path-from:1:1: error:", StringComparison.Ordinal) && e.Contains("old", StringComparison.Ordinal));

        var ok = SpecQuery.Load(path, null, [], [QueryText.FromFlag("--q", "x == 0")], new DiagnosticBag())!;
        Assert.Empty(ok.Invariants);
        Assert.Single(ok.Queries);
        File.Delete(path);
    }
}
