using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Refinement;

/// What the spec allows from an abstract state: the canonical fingerprints of the successors of
/// each labelled step, computed once per (state, action) and cached. The cache is keyed by the
/// packed state itself, not its orbit: labels name objects, so they only mean something in the
/// numbering of the state they were computed from.
public sealed class SpecSteps : IStateVisitor
{
    private const int MaxCachedStates = 100_000;

    private readonly SpecTransitionSystem _ts;
    private readonly IStateGenerator _gen;
    private readonly Dictionary<ulong[], Dictionary<string, ActionSteps>> _cache = new(WordsComparer.Instance);
    private ActionSteps _collecting = null!;

    public SpecSteps(SpecTransitionSystem ts)
    {
        _ts = ts;
        _gen = ts.NewGenerator();
    }

    /// The successors of one action, by label key (<see cref="OperationLabels.Key"/>), and the
    /// run-time error or failed assertions of the spec on the way, if any.
    public sealed class ActionSteps
    {
        public Dictionary<string, HashSet<ulong>> ByLabel { get; } = new(StringComparer.Ordinal);
        public List<(string Key, string Text)> Problems { get; } = new();
    }

    public ActionSteps Of(ulong[] state, string action)
    {
        if (!_cache.TryGetValue(state, out var byAction))
        {
            if (_cache.Count >= MaxCachedStates) _cache.Clear();
            _cache[state] = byAction = new Dictionary<string, ActionSteps>(StringComparer.Ordinal);
        }
        if (byAction.TryGetValue(action, out var steps)) return steps;
        steps = _collecting = new ActionSteps();
        try
        {
            _gen.Successors(state, this, action);
        }
        catch (EvalError e)
        {
            steps.Problems.Add((OperationLabels.Key(_gen.CurrentLabel()), $"{_gen.CurrentLabel().Show()}: run-time error in the spec at {e.Span}: {e.Message}"));
        }
        byAction[action] = steps;
        return steps;
    }

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        var key = OperationLabels.Key(g.CurrentLabel());
        if (!_collecting.ByLabel.TryGetValue(key, out var set)) _collecting.ByLabel[key] = set = new HashSet<ulong>();
        set.Add(fingerprint);
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) =>
        _collecting.Problems.Add((OperationLabels.Key(g.CurrentLabel()), $"{g.CurrentLabel().Show()}: assertion {assertion} fails in the spec at {span}"));

    public void OnBoundReached(IStateGenerator g, string pool) =>
        _collecting.Problems.Add((OperationLabels.Key(g.CurrentLabel()), $"{g.CurrentLabel().Show()}: the abstract spec ran out of {pool} objects"));

    /// Content equality of packed states; the bucket hash is their fingerprint.
    private sealed class WordsComparer : IEqualityComparer<ulong[]>
    {
        public static readonly WordsComparer Instance = new();
        public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(ulong[] obj) => (int)Fingerprint.Of(obj);
    }
}
