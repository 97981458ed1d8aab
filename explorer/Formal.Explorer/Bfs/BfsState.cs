using Formal.Explorer.Traces;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// What breadth-first search has found so far: the seen set, each state's parent index and
/// successor ordinal (state i is the ordinal-th successor of state parent[i]), counts, and the
/// first violation. Shared by the sequential and the parallel level expanders, which leave it
/// in exactly the same condition after every level.
internal sealed class BfsState : IDisposable
{
    public readonly SeenSet Seen = new();
    public readonly IntList Parent = new();
    public readonly IntList Ordinal = new();
    public readonly PoolHits BoundHits = new();
    public long Generated;

    public Violation? Violation;
    public int ViolatingState = -1;
    public int ViolationLevel;
    public bool ViolationInStep;
    public StepLabel? FailingStep;

    public void Dispose() => Seen.Dispose();
}
