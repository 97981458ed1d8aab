using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// Expands one BFS level on the calling thread: parents in order, each parent's successors in
/// order. The first successor with a new fingerprint becomes a state (numbered in discovery
/// order) and is checked against the invariants; the first violation in that order stops the
/// search. This order is what the parallel expander reproduces.
internal sealed class SequentialLevel(BfsState st, IStateGenerator gen, bool checkDeadlock, IExplorationObserver? observer) : IStateVisitor
{
    private StateBuffer _next = null!;
    private int _currentParent = -1;
    private int _successorOrdinal;
    private int _levelOfNew = 1;

    /// Why the observer stopped the search, if it did.
    public string? Stop { get; private set; }

    public void Initial(StateBuffer next)
    {
        _next = next;
        _currentParent = -1;
        _successorOrdinal = 0;
        _levelOfNew = 1;
        try
        {
            gen.Initial(this);
        }
        catch (EvalError e)
        {
            RecordError(e, -1);
        }
    }

    /// Expands the states of <paramref name="current"/> (numbered from <paramref name="levelBase"/>)
    /// into <paramref name="next"/>; returns how many were expanded (fewer when a limit stopped it).
    public int Expand(StateBuffer current, int levelBase, int levelOfNew, StateBuffer next, RunClock clock, int depth)
    {
        _next = next;
        _levelOfNew = levelOfNew;
        for (int i = 0; i < current.Count; i++)
        {
            _currentParent = levelBase + i;
            _successorOrdinal = 0;
            try
            {
                gen.Successors(current[i], this);
            }
            catch (EvalError e)
            {
                RecordError(e, _currentParent);
            }
            if (st.Violation is null && checkDeadlock && _successorOrdinal == 0)
            {
                st.Violation = Violations.Deadlock();
                st.ViolatingState = _currentParent;
            }
            if (st.Violation is not null || Stop is not null) return i + 1;
            if ((i & 1023) == 0 && clock.Poll(st, depth, current.Count - i + next.Count)) return i + 1;
        }
        return current.Count;
    }

    private void RecordError(EvalError e, int parent)
    {
        st.Violation = Violations.Error(e);
        st.ViolatingState = parent;
        st.ViolationInStep = true;
        st.FailingStep = gen.CurrentLabel();
    }

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        if (st.Violation is not null || Stop is not null) return;
        st.Generated++;
        int ordinal = _successorOrdinal++;
        if (observer is not null && !observer.OnTransition(g, _currentParent, ordinal, fingerprint, packed))
        {
            Stop = observer.StopReason;
            return;
        }
        if (!st.Seen.Add(fingerprint)) return;
        int index = st.Parent.Count;
        st.Parent.Add(_currentParent);
        st.Ordinal.Add(ordinal);
        // Without an observer the generator may hand successors over later (MayDefer), when
        // its machine no longer holds this one.
        if ((observer is null ? g.CheckInvariants(packed) : g.CheckInvariants()) is { } failure)
        {
            st.Violation = Violations.Invariant(failure);
            st.ViolatingState = index;
            st.ViolationLevel = _levelOfNew;
            return;
        }
        _next.Add(packed);
    }

    // An observer (the state graph) is shown each step as it is made, with its label.
    public bool MayDefer => observer is null;

    public void Prefetch(ReadOnlySpan<ulong> fingerprints)
    {
        foreach (ulong fp in fingerprints) st.Seen.Prefetch(fp);
    }

    public void OnStutter(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) => OnStutters(g, packed, fingerprint, 1);

    // The parent is in the seen set: a stutter is only counted, unless an observer (the state
    // graph) wants every transition (OnState ignores the fingerprint once a violation or a stop
    // is recorded).
    public bool CountsStutters => observer is null;

    public void OnStutters(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint, int count)
    {
        if (observer is not null || st.Violation is not null || Stop is not null)
        {
            for (int i = 0; i < count; i++) OnState(g, packed, fingerprint);
            return;
        }
        st.Generated += count;
        _successorOrdinal += count;
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span)
    {
        if (st.Violation is not null) return;
        st.Violation = Violations.Assertion(assertion, span);
        st.ViolatingState = _currentParent;
        st.ViolationInStep = true;
        st.FailingStep = g.CurrentLabel();
    }

    public void OnBoundReached(IStateGenerator g, string pool) => st.BoundHits.Add(pool);

    public void OnBoundReached(IStateGenerator g, string pool, long count) => st.BoundHits.Add(pool, count);
}
