using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Refinement;

/// What the spec allows from an abstract state: the canonical fingerprints of the successors of
/// each labelled step, computed once per (state, action) and cached. The cache is keyed by the
/// packed state itself, not its orbit: labels name objects, so they only mean something in the
/// numbering of the state they were computed from. Steps are told apart by their parameter values
/// packed into one number (<see cref="KeyOf"/>), which the generator reports without building labels.
public sealed class SpecSteps : IStateVisitor
{
    private const int MaxCachedStates = 100_000;

    private readonly SpecTransitionSystem _ts;
    private readonly IStateGenerator _gen;
    private readonly Dictionary<ulong[], Dictionary<string, ActionSteps>> _cache = new(WordsComparer.Instance);
    private readonly Dictionary<string, ActionIr> _actions;
    private readonly long[] _params = new long[8];
    private ActionSteps _collecting = null!;
    private int _paramCount;

    public SpecSteps(SpecTransitionSystem ts)
    {
        _ts = ts;
        _gen = ts.NewGenerator();
        _actions = ts.Ir.Actions.ToDictionary(a => a.Name, StringComparer.Ordinal);
    }

    /// The successors of one action, by parameter key, and the run-time error or failed
    /// assertions of the spec on the way, if any (an error stops the action's enumeration, so it
    /// concerns every label the enumeration did not reach: <see cref="Aborted"/>).
    public sealed class ActionSteps
    {
        private readonly HashSet<(long Key, ulong Target)> _steps = new();

        public List<(long Key, string Text)> Problems { get; } = new();
        public string? Aborted { get; set; }

        /// Whether the step with parameter key <paramref name="key"/> may lead to the orbit <paramref name="target"/>.
        public bool Allows(long key, ulong target) => _steps.Contains((key, target));

        /// How many successor orbits the step with parameter key <paramref name="key"/> has.
        public int Count(long key) => _steps.Count(s => s.Key == key);

        internal void Add(long key, ulong target) => _steps.Add((key, target));
    }

    public long Generations;
    public ActionSteps Of(ulong[] state, string action)
    {
        if (!_cache.TryGetValue(state, out var byAction))
        {
            if (_cache.Count >= MaxCachedStates) _cache.Clear();
            _cache[state] = byAction = new Dictionary<string, ActionSteps>(StringComparer.Ordinal);
        }
        if (byAction.TryGetValue(action, out var steps)) return steps;
        Generations++;
        steps = _collecting = new ActionSteps();
        _paramCount = _actions.TryGetValue(action, out var decl) ? decl.Params.Count : 0;
        try
        {
            _gen.Successors(state, this, action);
        }
        catch (EvalError e)
        {
            var label = _gen.CurrentLabel();
            steps.Aborted = $"{label.Show()}: run-time error in the spec at {e.Span}: {e.Message} (the spec's enumeration of {action} stopped there)";
            steps.Problems.Add((CurrentKey(), steps.Aborted));
        }
        byAction[action] = steps;
        return steps;
    }

    /// The key of a label's parameters, in the generator's encoding (<see cref="IStateGenerator.CurrentParameters"/>).
    public long KeyOf(StepLabel label)
    {
        if (!_actions.TryGetValue(label.Action, out var decl))
            throw new ArgumentException($"the spec has no action {label.Action}", nameof(label));
        long key = 0;
        for (int i = 0; i < label.Params.Count; i++)
        {
            long raw = label.Params[i].Value switch
            {
                VBool b => b.B ? 1 : 0,
                VInt n => n.I,
                VObj o => o.Index,
                VEnum e when decl.Params[i].Type is EnumTy t => MemberIndex(t, e.Name),
                var v => throw new ArgumentException($"parameter value {v.Show()} is not a scalar", nameof(label)),
            };
            key = Pack(key, i, raw);
        }
        return key;
    }

    private static int MemberIndex(EnumTy t, string name)
    {
        for (int m = 0; m < t.Members.Count; m++)
            if (t.Members[m] == name) return m;
        throw new ArgumentException($"{name} is not a value of {t.Name}", nameof(name));
    }

    private long CurrentKey()
    {
        _gen.CurrentParameters(_params);
        long key = 0;
        for (int i = 0; i < _paramCount; i++) key = Pack(key, i, _params[i]);
        return key;
    }

    private static long Pack(long key, int i, long raw) =>
        raw is >= 0 and <= 255 && i < 8 ? key | (raw << (8 * i)) : throw new ArgumentOutOfRangeException(nameof(raw), $"parameter {i} = {raw} does not fit the step key");

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        _collecting.Add(CurrentKey(), fingerprint);
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) =>
        _collecting.Problems.Add((CurrentKey(), $"{g.CurrentLabel().Show()}: assertion {assertion} fails in the spec at {span}"));

    public void OnBoundReached(IStateGenerator g, string pool) =>
        _collecting.Problems.Add((CurrentKey(), $"{g.CurrentLabel().Show()}: the abstract spec ran out of {pool} objects"));

    /// Content equality of packed states; the bucket hash is their fingerprint.
    private sealed class WordsComparer : IEqualityComparer<ulong[]>
    {
        public static readonly WordsComparer Instance = new();
        public bool Equals(ulong[]? x, ulong[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(ulong[] obj) => (int)Fingerprint.Of(obj);
    }
}
