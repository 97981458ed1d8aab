using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// One worker's part of phase 1 of a parallel level: expands a chunk of parents with the
/// worker's own generator and keeps the successors whose fingerprints the seen set did not hold
/// when the level began (the seen set is only read in this phase).
internal sealed class ChunkExpander(IStateGenerator gen, SeenSet seen, int partitions, bool checkDeadlock) : IStateVisitor
{
    private readonly LocalFingerprints _local = new();
    private ChunkOutput _out = null!;
    private long _parentKey;
    private int _ordinal;

    public IStateGenerator Generator => gen;

    // Only fingerprints and packed words are kept here: the generator is never asked about them.
    public bool MayDefer => true;

    public void Expand(StateBuffer frontier, int from, int to, ChunkOutput output)
    {
        _out = output;
        output.Reset();
        _local.Clear();
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

    // The generator hands a parent's successors over together and announces their
    // fingerprints first (MayDefer), so the seen-set lookups overlap.
    public void Prefetch(ulong fingerprint) => seen.Prefetch(fingerprint);

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        _out.Generated++;
        int ordinal = _ordinal++;
        if (seen.Contains(fingerprint) || !_local.Add(fingerprint)) return;
        int part = partitions == 1 ? 0 : SeenSet.ShardOf(fingerprint) % partitions;
        _out.Parts[part].Add(fingerprint, _parentKey | (uint)ordinal, packed);
    }

    // The parent is in the seen set: a stutter is only counted (no copy, no lookup).
    public void OnStutter(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        _out.Generated++;
        _ordinal++;
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) => _out.Event = true;

    public void OnBoundReached(IStateGenerator g, string pool) =>
        _out.BoundHits[pool] = _out.BoundHits.GetValueOrDefault(pool) + 1;
}
