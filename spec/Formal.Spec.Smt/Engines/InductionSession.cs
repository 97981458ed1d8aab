using Formal.Spec.Runtime;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Engines;

/// The k-induction step: k+1 well-formed but otherwise arbitrary frames linked by k fault-free
/// steps, pairwise distinct (simple path), the first k satisfying every invariant and lemma
/// without a run-time error; can the last frame be bad, or its next step fail? Both unsat for
/// some k (with BMC clean up to depth k) proves the properties for every reachable state. The
/// frames and constraints grow incrementally with k.
public sealed class InductionSession
{
    private readonly Session _s;
    private readonly int _maxCases;
    private int _k;

    /// <paramref name="maxCases"/>: an action with at most this many parameter combinations is
    /// checked once per combination (0: once per action).
    public InductionSession(Session s, int maxCases = 0)
    {
        _s = s;
        _maxCases = maxCases;
        s.Assert(s.U.Encoder.WellFormed(s.U.Frame(0)));
    }

    public Session Session => _s;

    public (SolveResult Result, ClaimedPath? Cti) Check(int k)
    {
        var u = _s.U;
        var t = u.T;
        ClaimedPath? cti = null;
        // Split into smaller checks: per action of the last step, whether the last frame breaks
        // an invariant; then, with every invariant holding there, per action of the next step,
        // whether it fails. One big disjunction is slower (anon_vma tiny: 244 s as one query,
        // 75 s as two, 61 s per action; per action and invariant 82 s); the checks share one
        // incremental solver. With fixed parameters Z3's preprocessing removes most of an
        // action's case analysis (anon_vma default: measured in README.md).
        void Extend()
        {
            while (_k < k)
            {
                int i = ++_k;
                var inv = u.Invariants(i - 1);
                _s.Assert(t.And(inv.Holds, t.Not(inv.Error)));
                _s.Assert(u.Encoder.WellFormed(u.Frame(i)));
                _s.Assert(u.Transition(i));
                _s.Assert(u.ChoiceBounds(i));
                for (int j = 0; j < i; j++) _s.Assert(t.Not(u.Encoder.Equal(u.Frame(j), u.Frame(i))));
            }
        }
        SolveResult r = SolveResult.Unsat;
        foreach (var (action, chosen) in Cases(k))
        {
            r = _s.Check("induction", k, () => { Extend(); return t.And(chosen, u.BadState(k)); }, m => cti = u.Decode(m, false, k, ClaimedEnd.BadState), action);
            if (r.Status != SolveStatus.Unsat) return (r, cti);
        }
        _s.Assert(u.ChoiceBounds(k + 1));
        var last = u.Invariants(k);
        _s.Assert(t.And(last.Holds, t.Not(last.Error)));
        foreach (var (action, chosen) in Cases(k + 1))
        {
            r = _s.Check("induction-step", k, () => t.And(chosen, u.Fault(k + 1)), m => cti = u.Decode(m, false, k + 1, ClaimedEnd.BadStep), action);
            if (r.Status != SolveStatus.Unsat) return (r, cti);
        }
        return (r, cti);
    }

    private IReadOnlyList<(string Action, Term Chosen)> Cases(int i) =>
        _maxCases > 0 ? _s.U.CasesOf(i, _maxCases) : _s.U.ActionsOf(i);
}
