using Formal.Spec.Runtime;
using Formal.Spec.Smt.Solving;

namespace Formal.Spec.Smt.Engines;

/// The k-induction step: k+1 well-formed but otherwise arbitrary frames linked by k fault-free
/// steps, pairwise distinct (simple path), the first k satisfying every invariant and lemma
/// without a run-time error; can the last frame be bad, or its next step fail? Both unsat for
/// some k (with BMC clean up to depth k) proves the properties for every reachable state. The
/// frames and constraints grow incrementally with k.
public sealed class InductionSession
{
    private readonly Session _s;
    private int _k;

    public InductionSession(Session s)
    {
        _s = s;
        s.Assert(s.U.Encoder.WellFormed(s.U.Frame(0)));
    }

    public Session Session => _s;

    public (SolveResult Result, ClaimedPath? Cti) Check(int k)
    {
        var u = _s.U;
        var t = u.T;
        ClaimedPath? cti = null;
        // Two checks instead of one disjunction: the last frame breaks an invariant, or (with
        // every invariant holding there) its next step fails. Each is a smaller problem.
        var r = _s.Check("induction", k, () =>
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
            return u.BadState(k);
        }, m => cti = u.Decode(m, false, k, ClaimedEnd.BadState));
        if (r.Status != SolveStatus.Unsat) return (r, cti);
        r = _s.Check("induction-step", k, () =>
        {
            _s.Assert(u.ChoiceBounds(k + 1));
            var inv = u.Invariants(k);
            return t.And([inv.Holds, t.Not(inv.Error), u.Fault(k + 1)]);
        }, m => cti = u.Decode(m, false, k + 1, ClaimedEnd.BadStep));
        return (r, cti);
    }
}
