using Formal.Explorer.Bfs;
using QuikGraph;

namespace Formal.Explorer.Graph;

/// The reached states and transitions of a BFS run as a QuikGraph graph. Vertices are state
/// indices in BFS order; an edge's tag is the successor ordinal, so any path from an initial
/// state replays to a trace (<see cref="Traces.TraceBuilder.FromOrdinals"/>). Packed states are
/// kept for predicates and pictures.
public sealed class StateGraph
{
    public StateGraph(int words) => States = new StateBuffer(words);

    public BidirectionalGraph<int, STaggedEdge<int, int>> Graph { get; } = new(allowParallelEdges: true);
    public StateBuffer States { get; }

    /// For each initial state, its ordinal among the initial states; -1 for the others.
    public List<int> InitialOrdinal { get; } = new();

    public int Count => States.Count;
    public int EdgeCount => Graph.EdgeCount;
    public bool IsInitial(int v) => InitialOrdinal[v] >= 0;
}

/// Records the state graph during BFS, up to a limit of states.
public sealed class StateGraphRecorder(int words, int limit) : IExplorationObserver
{
    private readonly Dictionary<ulong, int> _index = new();

    public StateGraph Result { get; } = new(words);
    public int Limit => limit;
    public string StopReason => $"the state graph has more than {limit:N0} states (--graph-limit); graph analyses need all of them";
    public bool Exceeded { get; private set; }

    public bool OnTransition(Formal.Spec.Runtime.IStateGenerator g, int from, int ordinal, ulong fingerprint, ReadOnlySpan<ulong> packed)
    {
        if (!_index.TryGetValue(fingerprint, out int to))
        {
            if (Result.Count >= limit)
            {
                Exceeded = true;
                return false;
            }
            to = Result.Count;
            _index[fingerprint] = to;
            Result.States.Add(packed);
            Result.InitialOrdinal.Add(from < 0 ? ordinal : -1);
            Result.Graph.AddVertex(to);
        }
        if (from >= 0) Result.Graph.AddEdge(new STaggedEdge<int, int>(from, to, ordinal));
        return true;
    }
}
