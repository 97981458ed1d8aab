using Formal.Explorer.Bfs;
using Formal.Explorer.Graph;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// The state graph and its analyses; the expected numbers come from tools/oracles/graphs.py.
public class GraphTests
{
    private sealed record Recorded(SpecTransitionSystem Ts, StateGraph Graph, ExploreResult Result);

    private static Recorded Record(string example, string? config, params string[] predicates)
    {
        var diags = new DiagnosticBag();
        var queries = predicates.Select((p, i) => QueryText.FromFlag($"--q{i}", p)).ToList();
        var ir = SpecQuery.Load(Repo.Example(example), config, [], queries, diags);
        Assert.True(ir is not null, string.Join("\n", diags.Items));
        var ts = new SpecTransitionSystem(ir!);
        var recorder = new StateGraphRecorder(ts.StateWords, 100_000);
        var result = ExplorerHarness.RunOnBigStack(() => new BfsExplorer(ts, new ExploreOptions { Observer = recorder }).Run());
        return new Recorded(ts, recorder.Result, result);
    }

    private static bool[] Holds(Recorded r, int query)
    {
        var q = r.Ts.NewQueryEvaluator();
        return Enumerable.Range(0, r.Graph.Count).Select(v => q.Holds(query, r.Graph.States[v])).ToArray();
    }

    [Fact]
    public void Peterson_is_one_terminal_cycle_and_process_0_can_always_enter_again()
    {
        var r = Record("peterson", null, "pc[0] == critical");
        Assert.Equal((34, 62), (r.Graph.Count, r.Graph.EdgeCount));
        Assert.Equal(r.Result.Stats.Distinct, r.Graph.Count);
        var scc = GraphAnalyses.Sccs(r.Graph);
        Assert.Equal((1, 1, 1), (scc.Components.Count, scc.Cycles, scc.Terminal));
        Assert.Empty(GraphAnalyses.NeverAgain(r.Graph, Holds(r, 0)));
        var cycles = GraphAnalyses.NonProgressCycles(r.Graph, Holds(r, 0));
        Assert.Equal((2, 10), (cycles.Components.Count, cycles.Components.Sum(c => c.States.Count)));
    }

    [Fact]
    public void A_non_progress_lasso_really_goes_round_without_progress()
    {
        var r = Record("peterson", null, "pc[0] == critical");
        var progress = Holds(r, 0);
        var cycles = GraphAnalyses.NonProgressCycles(r.Graph, progress);
        var lasso = GraphAnalyses.Lasso(r.Graph, cycles.Components[0]);
        var t = GraphAnalyses.ToTrace(r.Ts, lasso, Violation.NoViolation);
        Assert.Equal(t.Steps[lasso.CycleBackTo!.Value].State, t.Steps[^1].State);
        Assert.True(t.Length > lasso.CycleBackTo.Value);
        Assert.All(t.Steps.Skip(lasso.CycleBackTo.Value), s => Assert.NotEqual("critical", ((VMap)s.State[0].Value).Entries[0].Value.Show()));
    }

    [Theory]
    [InlineData("one", 12, 19, 12, 5, 4, 8)]
    [InlineData("two", 56, 153, 56, 37, 10, 40)]
    [InlineData("default", 288, 1145, 288, 233, 28, 224)]
    public void Two_phase_commit_components_match_the_oracle(string config, int states, int edges, int sccs, int cyclic, int terminal, int neverInit)
    {
        var r = Record("two_phase_commit", config, "tm == tm_init", "tm == tm_committed");
        Assert.Equal((states, edges), (r.Graph.Count, r.Graph.EdgeCount));
        var scc = GraphAnalyses.Sccs(r.Graph);
        Assert.Equal((sccs, cyclic, terminal), (scc.Components.Count, scc.Cycles, scc.Terminal));
        Assert.Equal(neverInit, GraphAnalyses.NeverAgain(r.Graph, Holds(r, 0)).Count);
        var init = Holds(r, 0);
        var committed = Holds(r, 1);
        var path = GraphAnalyses.ShortestPath(r.Graph, Enumerable.Range(0, r.Graph.Count).Where(v => init[v]).ToList(), v => committed[v])!;
        var t = GraphAnalyses.ToTrace(r.Ts, path, Violation.NoViolation);
        Assert.Equal(1, t.Length - path.MarkAt);
        Assert.Equal("TMCommit", t.Steps[^1].Label!.Action);
    }

    [Fact]
    public void Recording_stops_at_the_limit_and_says_so()
    {
        var ts = new SpecTransitionSystem(SpecHarness.LoadFile(Repo.Example("two_phase_commit")));
        var recorder = new StateGraphRecorder(ts.StateWords, 100);
        var result = ExplorerHarness.RunOnBigStack(() => new BfsExplorer(ts, new ExploreOptions { Observer = recorder }).Run());
        Assert.True(recorder.Exceeded);
        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Equal(100, recorder.Result.Count);
        Assert.Contains("more than 100 states", result.InconclusiveReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_graph_as_DOT_has_every_state_and_labelled_transition()
    {
        var r = Record("two_phase_commit", "one");
        var dot = GraphDot.Write(r.Ts, r.Graph, "tpc", new HashSet<int> { 3 });
        Assert.StartsWith("digraph \"tpc\" {", dot, StringComparison.Ordinal);
        Assert.Equal(12, dot.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  s\d+ \[label=")));
        Assert.Equal(19, dot.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  s\d+ -> s\d+ ")));
        Assert.Contains("s0 [label=\"0\", shape=doublecircle", dot, StringComparison.Ordinal);
        Assert.Contains("s0 -> s1 [label=\"TMAbort\"]", dot, StringComparison.Ordinal);
        Assert.Contains("style=filled, fillcolor=lightsalmon", dot, StringComparison.Ordinal);
    }
}
