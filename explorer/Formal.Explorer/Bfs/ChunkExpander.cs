using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// One worker's part of phase 1 of a parallel level: expands a chunk of parents with the
/// worker's own generator and keeps the successors whose fingerprints the seen set did not hold
/// when the level began (the seen set is only read in this phase).
internal sealed class ChunkExpander(IStateGenerator gen, SeenSet seen, int partitions, bool checkDeadlock) : IStateVisitor
{
    private ChunkOutput _out = null!;
    private long _parentKey;
    private int _ordinal;

    public IStateGenerator Generator => gen;

    public void Expand(StateBuffer frontier, int from, int to, ChunkOutput output)
    {
        _out = output;
        output.Reset();
        for (int i = from; i < to; i++)
        {
            _parentKey = (long)i << 32;
            _ordinal = 0;
            try
            {
                gen.Successors(frontier[i], this);
            }
            catch (EvalError)
            {
                output.Event = true;
            }
            if (checkDeadlock && _ordinal == 0) output.Event = true;
            if (output.Event) return;
        }
    }

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        _out.Generated++;
        int ordinal = _ordinal++;
        if (seen.Contains(fingerprint)) return;
        int part = partitions == 1 ? 0 : SeenSet.ShardOf(fingerprint) % partitions;
        _out.Parts[part].Add(fingerprint, _parentKey | (uint)ordinal, packed);
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) => _out.Event = true;

    public void OnBoundReached(IStateGenerator g, string pool) =>
        _out.BoundHits[pool] = _out.BoundHits.GetValueOrDefault(pool) + 1;
}
