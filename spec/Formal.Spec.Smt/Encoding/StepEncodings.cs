using System.Collections.Immutable;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Encoding;

/// One action encoded from a pre-state: its parameter variables, the state it produces, when it
/// is enabled, and when it fails (a run-time error or a failed assertion on the path the
/// parameters and choices select).
public sealed record ActionEncoding(
    ActionIr Ir,
    ImmutableArray<Term> Params,
    ImmutableArray<SVal> Next,
    Term Enabled,
    Term Error,
    Term AssertionFails,
    ImmutableArray<ChoiceVar> Choices);

/// One step from a frame: which action runs (the selector, absent with a single action), each
/// action's encoding, and the step's faults.
public sealed record StepEncoding(int Index, Term? Selector, ImmutableArray<ActionEncoding> Actions)
{
    public Term Chosen(Terms t, int action) => Selector is { } s ? t.Eq(s, t.Num(action)) : t.True;
}

/// The initial states: the state init produces from the all-defaults state, and its faults.
public sealed record InitEncoding(ImmutableArray<SVal> Next, Term Enabled, Term Error, Term AssertionFails);

/// The invariants and lemmas on one frame: whether they all hold, and whether evaluating them
/// (in order, stopping at the first false conjunct) raises a run-time error.
public sealed record InvariantEncoding(Term Holds, Term Error);
