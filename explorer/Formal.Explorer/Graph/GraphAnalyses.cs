using Formal.Explorer.Traces;
using Formal.Spec.Runtime;
using QuikGraph;
using QuikGraph.Algorithms;
using QuikGraph.Algorithms.Observers;
using QuikGraph.Algorithms.Search;
using QuikGraph.Predicates;

namespace Formal.Explorer.Graph;

/// Strongly connected components: each as its states (ascending), with whether it is a cycle
/// (more than one state, or a self-loop) and whether it is terminal (no transition leaves it).
public sealed record Component(IReadOnlyList<int> States, bool IsCycle, bool IsTerminal);

public sealed record SccReport(IReadOnlyList<Component> Components)
{
    public int Cycles => Components.Count(c => c.IsCycle);
    public int Terminal => Components.Count(c => c.IsTerminal);
}

/// A path through the state graph as successor ordinals from an initial state, and where the
/// interesting part starts (the predicate's source state, or the entry of a cycle).
public sealed record GraphPath(IReadOnlyList<int> Ordinals, int MarkAt, int? CycleBackTo);

/// Analyses of a recorded <see cref="StateGraph"/> with QuikGraph: SCCs (cycles, terminal
/// components), states from which a predicate can never again hold, cycles that avoid a
/// progress predicate, and shortest paths between predicate states.
public static class GraphAnalyses
{
    private const int Source = -1;

    public static SccReport Sccs(StateGraph sg) => Components(sg.Graph, sg.Graph.Vertices);

    private static SccReport Components(IVertexListGraph<int, STaggedEdge<int, int>> g, IEnumerable<int> vertices)
    {
        var comp = new Dictionary<int, int>();
        g.StronglyConnectedComponents(comp);
        var members = comp.GroupBy(kv => kv.Value).Select(grp => grp.Select(kv => kv.Key).Order().ToList()).OrderBy(l => l[0]).ToList();
        var result = new List<Component>();
        foreach (var states in members)
        {
            int id = comp[states[0]];
            bool selfLoop = states.Count == 1 && g.OutEdges(states[0]).Any(e => e.Target == states[0]);
            bool terminal = states.All(v => g.OutEdges(v).All(e => comp[e.Target] == id));
            result.Add(new Component(states, states.Count > 1 || selfLoop, terminal));
        }
        return new SccReport(result);
    }

    /// States from which no path (of any length, the state itself included) reaches a state
    /// satisfying the predicate: backward reachability from the predicate's states.
    public static List<int> NeverAgain(StateGraph sg, bool[] holds)
    {
        var reaches = new bool[sg.Count];
        var queue = new Queue<int>();
        for (int v = 0; v < sg.Count; v++)
            if (holds[v]) { reaches[v] = true; queue.Enqueue(v); }
        while (queue.Count > 0)
        {
            int v = queue.Dequeue();
            foreach (var e in sg.Graph.InEdges(v))
                if (!reaches[e.Source]) { reaches[e.Source] = true; queue.Enqueue(e.Source); }
        }
        return Enumerable.Range(0, sg.Count).Where(v => !reaches[v]).ToList();
    }

    /// Cycles that never pass through a state satisfying the progress predicate: the cyclic
    /// SCCs of the graph restricted to the other states.
    public static SccReport NonProgressCycles(StateGraph sg, bool[] progress)
    {
        var filtered = new FilteredVertexListGraph<int, STaggedEdge<int, int>, BidirectionalGraph<int, STaggedEdge<int, int>>>(
            sg.Graph, v => !progress[v], e => !progress[e.Source] && !progress[e.Target]);
        var report = Components(filtered, filtered.Vertices);
        return new SccReport(report.Components.Where(c => c.IsCycle).ToList());
    }

    /// The shortest path from any state in <paramref name="from"/> to any state in
    /// <paramref name="to"/> (QuikGraph BFS from a temporary source joined to every start), with
    /// the shortest path from an initial state to its start before it. Null when unreachable.
    public static GraphPath? ShortestPath(StateGraph sg, IReadOnlyCollection<int> from, Func<int, bool> to)
    {
        if (from.Count == 0) return null;
        var path = Bfs(sg, from, to);
        if (path is null) return null;
        int start = path.Count == 0 ? from.Order().First(to) : path[0].Source;
        var prefix = FromInitial(sg, start);
        var ordinals = prefix.Concat(path.Select(e => e.Tag)).ToList();
        return new GraphPath(ordinals, prefix.Count - 1, null);
    }

    /// A lasso: the shortest path from an initial state into the component, then the shortest
    /// cycle through the entry state inside the component.
    public static GraphPath Lasso(StateGraph sg, Component c)
    {
        var inside = c.States.ToHashSet();
        var entryPath = Bfs(sg, Initial(sg), inside.Contains)!;
        int entry = entryPath.Count == 0 ? Initial(sg).First(inside.Contains) : entryPath[^1].Target;
        var prefix = FromInitial(sg, entry);
        // Shortest cycle: BFS inside the component from the entry's successors back to the entry.
        var firstEdges = sg.Graph.OutEdges(entry).Where(e => inside.Contains(e.Target)).ToList();
        List<STaggedEdge<int, int>>? best = null;
        foreach (var e in firstEdges)
        {
            var rest = e.Target == entry ? [] : Bfs(sg, [e.Target], v => v == entry, inside);
            if (rest is null) continue;
            if (best is null || rest.Count + 1 < best.Count) best = [e, .. rest];
        }
        var cycle = best ?? [];
        return new GraphPath(prefix.Concat(cycle.Select(e => e.Tag)).ToList(), prefix.Count - 1, prefix.Count - 1);
    }

    public static IEnumerable<int> Initial(StateGraph sg) => Enumerable.Range(0, sg.Count).Where(sg.IsInitial);

    /// Ordinals from an initial state to <paramref name="target"/>: the initial state's ordinal,
    /// then one successor ordinal per edge.
    public static List<int> FromInitial(StateGraph sg, int target)
    {
        var roots = Initial(sg).ToList();
        var edges = Bfs(sg, roots, v => v == target) ?? throw new InvalidOperationException("state not reachable from an initial state");
        int root = edges.Count == 0 ? target : edges[0].Source;
        return [sg.InitialOrdinal[root], .. edges.Select(e => e.Tag)];
    }

    /// Multi-source BFS with QuikGraph: a temporary source vertex with an edge to every start.
    private static List<STaggedEdge<int, int>>? Bfs(StateGraph sg, IEnumerable<int> starts, Func<int, bool> goal, HashSet<int>? within = null)
    {
        var startList = starts.Distinct().Order().ToList();
        var direct = startList.FirstOrDefault(goal, -1);
        if (direct >= 0 && startList.Contains(direct) && goal(direct)) return [];
        var g = new AdjacencyGraph<int, STaggedEdge<int, int>>(allowParallelEdges: true);
        g.AddVertexRange(sg.Graph.Vertices);
        foreach (var e in sg.Graph.Edges)
            if (within is null || within.Contains(e.Source) && within.Contains(e.Target)) g.AddEdge(e);
        g.AddVertex(Source);
        foreach (var s in startList) g.AddEdge(new STaggedEdge<int, int>(Source, s, -1));
        var bfs = new BreadthFirstSearchAlgorithm<int, STaggedEdge<int, int>>(g);
        var predecessors = new VertexPredecessorRecorderObserver<int, STaggedEdge<int, int>>();
        using (predecessors.Attach(bfs)) bfs.Compute(Source);
        int? found = null;
        foreach (var v in BfsOrder(predecessors, startList))
            if (goal(v)) { found = v; break; }
        if (found is null || !predecessors.TryGetPath(found.Value, out var path)) return null;
        return path.Where(e => e.Source != Source).ToList();
    }

    /// Vertices reached, nearest first (ties by index), so the chosen goal is deterministic.
    private static IEnumerable<int> BfsOrder(VertexPredecessorRecorderObserver<int, STaggedEdge<int, int>> p, List<int> starts)
    {
        int Depth(int v)
        {
            int d = 0;
            while (p.VerticesPredecessors.TryGetValue(v, out var e) && e.Source != Source) { v = e.Source; d++; }
            return d;
        }
        return p.VerticesPredecessors.Keys.Concat(starts).Distinct().Where(v => v != Source).OrderBy(Depth).ThenBy(v => v);
    }

    /// Builds the trace of a path; the violation slot says what the path shows.
    public static Trace ToTrace(ITransitionSystem ts, GraphPath path, Violation what) => TraceBuilder.FromOrdinals(ts, path.Ordinals, what, null);
}
