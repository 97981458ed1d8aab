namespace Formal.Spec.Runtime;

/// Questions about packed states that did not come from a generator (the refinement checker
/// builds them from reference heaps): their fingerprint modulo symmetry and their invariants.
/// One instance per thread (it owns a machine and a canonicalizer).
public sealed class StateInspector
{
    private readonly CompiledSpec _spec;
    private readonly Machine _m;
    private readonly Canonicalizer? _canon;
    private readonly long[] _slots;
    private readonly ulong[] _canonical;

    internal StateInspector(SpecTransitionSystem ts)
    {
        _spec = ts.Compiled;
        _m = _spec.NewMachine();
        _slots = new long[_spec.Layout.Slots];
        _canonical = new ulong[_spec.Layout.Words];
        if (ts.Symmetry is not null) _canon = new Canonicalizer(ts.Symmetry, _spec.Layout);
    }

    /// States whose canonical form was approximated (see <see cref="Canonicalizer"/>): a
    /// comparison of such states modulo symmetry may answer "different" for one orbit.
    public long InexactCanonicalForms => _canon?.Inexact ?? 0;

    /// The fingerprint the generator reports for this state: of its canonical form when the
    /// spec is reduced by symmetry, of the state itself otherwise. Equal fingerprints mean the
    /// same orbit (up to fingerprint collisions, as in the explorer's seen set).
    public ulong Fingerprint(ReadOnlySpan<ulong> packed)
    {
        if (_canon is null) return Runtime.Fingerprint.Of(packed);
        _spec.Layout.Unpack(packed, _slots);
        _canon.Canonicalize(_slots, _canonical);
        return Runtime.Fingerprint.Of(_canonical);
    }

    /// The canonical packed form of a state (the state itself without symmetry).
    public ulong[] Canonical(ReadOnlySpan<ulong> packed)
    {
        if (_canon is null) return packed.ToArray();
        _spec.Layout.Unpack(packed, _slots);
        var words = new ulong[_spec.Layout.Words];
        _canon.Canonicalize(_slots, words);
        return words;
    }

    /// The first invariant (in spec order) that does not hold, with its conjunct; a run-time
    /// error while evaluating one counts as its failure.
    public InvariantFailure? CheckInvariants(ReadOnlySpan<ulong> packed)
    {
        int w = _spec.Layout.Slots;
        _spec.Layout.Unpack(packed, _m.M.AsSpan(w, w));
        Array.Copy(_m.M, w, _m.M, 0, w);
        foreach (var inv in _spec.Invariants)
            for (int c = 0; c < inv.Conjuncts.Length; c++)
            {
                try
                {
                    if (inv.Conjuncts[c](_m) != 0) continue;
                    return new InvariantFailure(inv.Ir.Name, c, inv.Ir.Conjuncts[c].Text, inv.Explanations[c](_m));
                }
                catch (EvalError e)
                {
                    return new InvariantFailure(inv.Ir.Name, c, inv.Ir.Conjuncts[c].Text, $"run-time error: {e.Message}");
                }
            }
        return null;
    }
}
