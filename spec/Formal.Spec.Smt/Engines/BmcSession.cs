using System.Collections.Immutable;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Encoding;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Engines;

/// Incremental bounded model checking: depth k asks for a path of k steps from an initial state
/// whose last state is bad or whose last step fails; when there is none, the k-th transition
/// becomes permanent and the next depth is asked. Depths are checked in order, so the first
/// violation found is a shortest one (the same length the breadth-first explorer reports).
public sealed class BmcSession(Session s)
{
    /// The deepest depth checked without a violation (-1 before depth 0).
    public int Depth { get; private set; } = -1;

    /// The deepest depth asked about (one more than <see cref="Depth"/> after a violation or
    /// an unknown answer).
    public int Checked { get; private set; } = -1;

    public Session Session => s;

    public (SolveResult Result, ClaimedPath? Violation) Next()
    {
        var u = s.U;
        var t = u.T;
        int k = Depth + 1;
        Checked = k;
        ClaimedPath? path = null;
        Term Query()
        {
            if (k == 0) return t.Or(t.And(u.InitOk, u.BadState(0)), u.InitFault);
            // The successor frame is defined before the check (faults on the path still count).
            s.Assert(u.Successor(k));
            s.Assert(u.ChoiceBounds(k));
            return t.Or(t.And(u.Valid(k), u.BadState(k)), u.Fault(k));
        }
        var r = s.Check("bmc", k, Query, m =>
        {
            bool fault = m.Bool(k == 0 ? u.InitFault : u.Fault(k));
            path = u.Decode(m, true, k, fault ? ClaimedEnd.BadStep : ClaimedEnd.BadState);
        });
        if (r.Status == SolveStatus.Unsat) Commit(k);
        return (r, path);
    }

    /// Whether some loop-free path is one step longer than <see cref="Depth"/>. When none is,
    /// every reachable state is reached by a loop-free path of at most Depth steps, so a clean
    /// BMC run to Depth has seen them all: a proof (the recurrence diameter bound).
    public SolveResult CanExtend()
    {
        int k = Depth + 1;
        var u = s.U;
        return s.Check("extend", k, () =>
        {
            s.Assert(u.Successor(k));
            s.Assert(u.ChoiceBounds(k));
            var distinct = new List<Term> { u.Valid(k) };
            for (int i = 0; i <= k; i++)
                for (int j = i + 1; j <= k; j++) distinct.Add(u.T.Not(u.Encoder.Equal(u.Frame(i), u.Frame(j))));
            return u.T.And(distinct);
        }, null);
    }

    /// Adds the next transition without asking about violations (to search for states).
    public void Unroll()
    {
        int k = Depth + 1;
        if (k > 0)
        {
            s.Assert(s.U.Successor(k));
            s.Assert(s.U.ChoiceBounds(k));
        }
        Commit(k);
    }

    /// Depth k is a valid part of every path from now on.
    private void Commit(int k)
    {
        s.Assert(k == 0 ? s.U.InitOk : s.U.Valid(k));
        // Implied by a valid step; stated so that the solver knows every range.
        s.Assert(s.U.Encoder.WellFormed(s.U.Frame(k)));
        Depth = k;
    }

    /// Whether the given state is reachable in exactly <see cref="Depth"/> steps. Only the last
    /// frame can be asked about: earlier frames are constrained to have successors.
    public SolveResult ReachesNow(ImmutableArray<SVal> target) =>
        s.Check("reach", Depth, () => s.U.Encoder.Equal(s.U.Frame(Depth), target), null);
}
