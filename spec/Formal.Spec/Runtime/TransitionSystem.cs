using Formal.Spec.Diagnostics;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// What a step did: the action, its parameters, and the nondeterministic choices taken inside
/// it (choices are only recorded when a trace is rebuilt).
public sealed record StepLabel(string Action, EquatableArray<(string Name, Value Value)> Params, EquatableArray<(string Name, Value Value)> Choices)
{
    public string Show()
    {
        var s = Params.Count == 0 ? Action : $"{Action}({string.Join(", ", Params.Select(p => $"{p.Name}={p.Value.Show()}"))})";
        if (Choices.Count > 0) s += " choosing " + string.Join(", ", Choices.Select(c => $"{c.Name}={c.Value.Show()}"));
        return s;
    }
}

/// An invariant that does not hold: which one, which conjunct (0-based), its text, and where
/// possible the quantifier witnesses (e.g. "v=Vma1").
public sealed record InvariantFailure(string Invariant, int Conjunct, string ConjunctText, string? Witness);

/// Receives the states a generator produces. Called synchronously from inside the generator,
/// so the generator can still be asked about the state just produced.
public interface IStateVisitor
{
    void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint);

    /// A successor that is the state being expanded itself (an action that wrote nothing). An
    /// engine that has stored that state may only count it.
    void OnStutter(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) => OnState(g, packed, fingerprint);

    /// <paramref name="count"/> stutters in a row (a deferring generator hands runs of them
    /// over at once).
    void OnStutters(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint, int count)
    {
        for (int i = 0; i < count; i++) OnStutter(g, packed, fingerprint);
    }

    /// True when <see cref="OnStutters"/> only counts, ignoring the state and fingerprint it is
    /// given: a generator may then pass 0 instead of the parent's fingerprint.
    bool CountsStutters => false;

    /// True when the visitor never asks the generator about the state it was just given (no
    /// parameters, and invariants only through <see cref="IStateGenerator.CheckInvariants(ReadOnlySpan{ulong})"/>).
    /// The generator may then hand a parent's successors and failed assertions over, in order,
    /// after all its actions have run (or one failed with an error), and overlap their memory
    /// lookups. <see cref="IStateGenerator.CurrentLabel"/> still names the step of a handed-over
    /// assertion. Bound hits are counted per pool and reported after the actions ran (otherwise
    /// each comes at once, during its step).
    bool MayDefer => false;

    /// Called, when a parent's successors are handed over, with all their fingerprints before
    /// any of them is passed on: the visitor may start loading what it will look up.
    void Prefetch(ReadOnlySpan<ulong> fingerprints) { }

    /// True when the visitor prefetches its own lookups in batches across parents: deferring
    /// then only pays for the generator's own lookups (the canonical-fingerprint cache), and
    /// without symmetry it is pure overhead (on counters, 2 workers: expansion 1.5 s against 1.95 s).
    bool BatchesLookups => false;

    void OnAssertion(IStateGenerator g, string assertion, SourceSpan span);
    void OnBoundReached(IStateGenerator g, string pool);

    /// <paramref name="count"/> times <see cref="OnBoundReached(IStateGenerator, string)"/>: for a
    /// visitor that <see cref="MayDefer"/>, a generator counts them while it expands a state and
    /// reports them after its actions ran.
    void OnBoundReached(IStateGenerator g, string pool, long count)
    {
        for (long i = 0; i < count; i++) OnBoundReached(g, pool);
    }
}

/// Produces initial states and successors (one instance per worker thread).
public interface IStateGenerator
{
    void Initial(IStateVisitor visitor);
    void Successors(ReadOnlySpan<ulong> state, IStateVisitor visitor);

    /// The successors by one action only (replay and shrinking ask for a named operation, and an
    /// error in another action must not stop them). The default runs every action, so callers
    /// still filter by <see cref="CurrentLabel"/>.
    void Successors(ReadOnlySpan<ulong> state, IStateVisitor visitor, string action) => Successors(state, visitor);

    /// Checks the invariants on the state just passed to <see cref="IStateVisitor.OnState"/>.
    InvariantFailure? CheckInvariants();

    /// Checks the invariants on a packed state (parallel BFS checks new states after the fact).
    /// Like <see cref="CheckInvariants()"/>, it may throw <see cref="EvalError"/>.
    InvariantFailure? CheckInvariants(ReadOnlySpan<ulong> packed);

    /// The step being run (valid inside visitor callbacks and after an <see cref="EvalError"/>).
    StepLabel CurrentLabel();

    bool RecordChoices { get; set; }

    /// The parameter values of the step being run as the machine holds them (false/true as 0/1,
    /// integers as themselves, enum values and pool objects by index), without building a label:
    /// for visitors that look at every successor (the refinement checker matches steps by them).
    void CurrentParameters(Span<long> values)
    {
        var ps = CurrentLabel().Params;
        for (int i = 0; i < ps.Count; i++)
            values[i] = ps[i].Value switch { VBool b => b.B ? 1 : 0, VInt n => n.I, VEnum e => e.Ordinal, VObj o => o.Index, var v => throw new InvalidOperationException($"parameter value {v.Show()} is not a scalar") };
    }
}

/// The semantics interface every engine depends on: the spec evaluator implements it (and the
/// reference-model adapter will).
public interface ITransitionSystem
{
    string Name { get; }
    int StateWords { get; }
    IReadOnlyList<string> InvariantNames { get; }
    bool CheckDeadlock { get; }
    IStateGenerator NewGenerator();

    /// Memory the system holds outside the managed heap (caches), counted against --memory.
    long NativeBytes => 0;

    IReadOnlyList<(string Name, Value Value)> Decode(ReadOnlySpan<ulong> state);
}
