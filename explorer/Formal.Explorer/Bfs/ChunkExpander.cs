using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// One worker's part of phase 1 of a parallel level: expands a chunk of parents with the
/// worker's own generator and keeps the successors whose fingerprints the seen set did not hold
/// when the level began (the seen set is only read in this phase).
internal sealed class ChunkExpander(IStateGenerator gen, SeenSet seen, int partitions, bool checkDeadlock, int words) : IStateVisitor
{
    // Successors wait here in batches so that their seen-set lookups can be prefetched together.
    private const int Batch = 32;
    private readonly Candidates _pending = new(words);
    private readonly LocalFingerprints _local = new();
    private ChunkOutput _out = null!;
    private long _parentKey;
    private int _ordinal;

    public IStateGenerator Generator => gen;

    // Only fingerprints and packed words are kept here: the generator is never asked about them.
    public bool MayDefer => true;

    // Seen-set lookups are prefetched here, 32 at a time across parents, unless the generator
    // announced the fingerprints of a parent's successors (it defers them for its own lookups):
    // those are looked up at once.
    public bool BatchesLookups => true;

    private bool _announced;

    public void Prefetch(ReadOnlySpan<ulong> fingerprints)
    {
        foreach (ulong fp in fingerprints) seen.Prefetch(fp);
        _announced = true;
    }

    public void Expand(StateBuffer frontier, int from, int to, ChunkOutput output)
    {
        _out = output;
        output.Reset();
        _pending.Clear();
        _local.Clear();
        for (int i = from; i < to; i++)
        {
            _parentKey = (long)i << 32;
            _ordinal = 0;
            _announced = false;
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
        Flush();
    }

    private void Flush()
    {
        int n = _pending.Count;
        for (int k = 0; k < n; k++) seen.Prefetch(_pending.Fp(k));
        for (int k = 0; k < n; k++) Keep(_pending.Fp(k), _pending.Key(k), _pending.State(k));
        _pending.Clear();
    }

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        _out.Generated++;
        long key = _parentKey | (uint)_ordinal++;
        if (_announced)
        {
            // Earlier batched candidates come first (generation order within the chunk).
            if (_pending.Count > 0) Flush();
            Keep(fingerprint, key, packed);
            return;
        }
        _pending.Add(fingerprint, key, packed);
        if (_pending.Count == Batch) Flush();
    }

    private void Keep(ulong fp, long key, ReadOnlySpan<ulong> packed)
    {
        if (seen.Contains(fp) || !_local.Add(fp)) return;
        int part = partitions == 1 ? 0 : SeenSet.ShardOf(fp) % partitions;
        _out.Parts[part].Add(fp, key, packed);
    }

    public void OnStutter(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) => OnStutters(g, packed, fingerprint, 1);

    // The parent is in the seen set: a stutter is only counted (no copy, no lookup).
    public bool CountsStutters => true;

    public void OnStutters(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint, int count)
    {
        _out.Generated += count;
        _ordinal += count;
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) => _out.Event = true;

    public void OnBoundReached(IStateGenerator g, string pool) => _out.BoundHits.Add(pool);

    public void OnBoundReached(IStateGenerator g, string pool, long count) => _out.BoundHits.Add(pool, count);
}
