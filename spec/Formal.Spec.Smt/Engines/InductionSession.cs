using Formal.Spec.Runtime;
using Formal.Spec.Smt.Solving;

namespace Formal.Spec.Smt.Engines;

/// The k-induction step: k+1 well-formed but otherwise arbitrary frames linked by k fault-free
/// steps, pairwise distinct (simple path), the first k satisfying every invariant and lemma
/// without a run-time error; can the last frame be bad, or its next step fail? Unsat for some k
/// (with BMC clean up to depth k) proves the properties for every reachable state. The frames
/// and constraints grow incrementally with k.
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
            _s.Assert(u.ChoiceBounds(k + 1));
            return t.Or(u.BadState(k), u.Fault(k + 1));
        }, m =>
        {
            bool fault = m.Bool(u.Fault(k + 1));
            cti = fault ? u.Decode(m, false, k + 1, ClaimedEnd.BadStep) : u.Decode(m, false, k, ClaimedEnd.BadState);
        });
        return (r, cti);
    }
}
