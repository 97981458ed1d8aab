using Formal.Explorer.Bfs;
using Formal.Explorer.Graph;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Runtime;

namespace Formal.Cli;

/// `formal check --graph FILE` and the graph analyses: which predicates they need, and the
/// report printed after exploration.
public static class GraphReport
{
    public static readonly OptionSpec[] Options =
    [
        new("--graph", true, "keep the state graph (QuikGraph) and write it as DOT", ValueName: "FILE"),
        new("--graph-limit", true, "most states kept for the graph (default 100000)", ValueName: "N"),
        new("--scc", false, "strongly connected components: cycles and terminal components"),
        new("--never-again", true, "states from which EXPR can never again become true", ValueName: "EXPR"),
        new("--non-progress", true, "cycles that never pass a state satisfying EXPR", ValueName: "EXPR"),
        new("--path-from", true, "shortest path from a state satisfying EXPR ...", ValueName: "EXPR"),
        new("--path-to", true, "... to a state satisfying EXPR (printed as a trace)", ValueName: "EXPR"),
        new("--path-trace", true, "write the path (from an initial state) in the project's trace format", ValueName: "FILE"),
    ];

    public static readonly string[] PredicateFlags = ["--never-again", "--non-progress", "--path-from", "--path-to"];

    public static bool Wanted(ParsedArgs a) => a.Has("--graph") || a.Has("--scc") || PredicateFlags.Any(a.Has);

    /// The predicates given on the command line, in <see cref="PredicateFlags"/> order.
    public static List<QueryText> Queries(ParsedArgs a)
    {
        if (a.Has("--path-from") != a.Has("--path-to")) throw new UsageException("--path-from and --path-to go together");
        return PredicateFlags.Where(a.Has).Select(f => QueryText.FromFlag(f, a.Get(f)!)).ToList();
    }

    public static void Print(ParsedArgs a, SpecTransitionSystem ts, StateGraph sg, ExploreResult result, TextWriter stdout)
    {
        stdout.WriteLine();
        stdout.WriteLine($"State graph: {sg.Count:N0} states, {sg.EdgeCount:N0} transitions{(result.Verdict == Verdict.Ok ? "" : " (partial: exploration stopped early)")}.");
        var q = ts.NewQueryEvaluator();
        var flags = PredicateFlags.Where(a.Has).ToList();
        bool[] Eval(string flag)
        {
            int qi = flags.IndexOf(flag);
            var holds = new bool[sg.Count];
            for (int v = 0; v < sg.Count; v++)
            {
                try { holds[v] = q.Holds(qi, sg.States[v]); }
                catch (EvalError e) { throw new UsageException($"{flag} \"{a.Get(flag)}\" cannot be evaluated in state {v}: {e.Message}"); }
            }
            return holds;
        }
        HashSet<int>? marked = null;

        if (a.Has("--scc"))
        {
            var scc = GraphAnalyses.Sccs(sg);
            stdout.WriteLine($"Strongly connected components: {scc.Components.Count:N0} ({scc.Cycles:N0} cyclic, {scc.Terminal:N0} terminal).");
            foreach (var c in scc.Components.Where(c => c.IsTerminal).Take(10))
                stdout.WriteLine($"  terminal: {Describe(c)}{(c.IsCycle ? "" : " (no successors)")}");
            if (scc.Terminal > 10) stdout.WriteLine($"  ... and {scc.Terminal - 10:N0} more terminal components");
        }
        if (a.Get("--never-again") is { } never)
        {
            var states = GraphAnalyses.NeverAgain(sg, Eval("--never-again"));
            marked = states.ToHashSet();
            stdout.WriteLine($"States from which \"{never}\" can never again hold: {states.Count:N0} of {sg.Count:N0}.");
            if (states.Count > 0)
            {
                var path = new GraphPath(GraphAnalyses.FromInitial(sg, states[0]), 0, null);
                var t = GraphAnalyses.ToTrace(ts, path, Violation.NoViolation);
                stdout.WriteLine($"Shortest way into one (state {states[0]}, {t.Length} steps):");
                stdout.Write(TraceText.Render(t));
            }
        }
        if (a.Get("--non-progress") is { } progress)
        {
            var cycles = GraphAnalyses.NonProgressCycles(sg, Eval("--non-progress"));
            stdout.WriteLine($"Cycles that never pass a state where \"{progress}\" holds: {cycles.Components.Count:N0} cyclic component{(cycles.Components.Count == 1 ? "" : "s")}, {cycles.Components.Sum(c => c.States.Count):N0} states.");
            if (cycles.Components.Count > 0)
            {
                var lasso = GraphAnalyses.Lasso(sg, cycles.Components[0]);
                var t = GraphAnalyses.ToTrace(ts, lasso, Violation.NoViolation);
                var lead = lasso.MarkAt == 0 ? "from the initial state" : $"steps 1..{lasso.MarkAt} lead to state {lasso.MarkAt}, then";
                stdout.WriteLine($"A lasso: {lead} steps {lasso.MarkAt + 1}..{t.Length} go round and back to state {lasso.MarkAt}:");
                stdout.Write(TraceText.Render(t));
            }
        }
        if (a.Get("--path-from") is { } from && a.Get("--path-to") is { } to)
        {
            var fromHolds = Eval("--path-from");
            var toHolds = Eval("--path-to");
            var sources = Enumerable.Range(0, sg.Count).Where(v => fromHolds[v]).ToList();
            var path = GraphAnalyses.ShortestPath(sg, sources, v => toHolds[v]);
            if (sources.Count == 0) stdout.WriteLine($"No reachable state satisfies \"{from}\".");
            else if (path is null) stdout.WriteLine($"No state satisfying \"{to}\" is reachable from a state satisfying \"{from}\".");
            else
            {
                var t = GraphAnalyses.ToTrace(ts, path, Violation.NoViolation);
                stdout.WriteLine($"Shortest path from \"{from}\" to \"{to}\": {t.Length - path.MarkAt} step{(t.Length - path.MarkAt == 1 ? "" : "s")}, starting at step {path.MarkAt} of this trace:");
                stdout.Write(TraceText.Render(t));
                if (a.Get("--path-trace") is { } file) AtomicFile.WriteJson(file, w => TraceJson.Write(w, t));
            }
        }
        if (a.Get("--graph") is { } dotFile)
        {
            AtomicFile.WriteText(dotFile, GraphDot.Write(ts, sg, ts.Name, marked));
            stdout.WriteLine($"Wrote the state graph to {dotFile}{(sg.Count > 150 ? " (large: render with sfdp, not dot)" : "")}.");
        }
    }

    private static string Describe(Component c) =>
        c.States.Count <= 8 ? $"states {string.Join(", ", c.States)}" : $"{c.States.Count:N0} states ({string.Join(", ", c.States.Take(5))}, ...)";
}
