using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Ir;

public sealed record VarIr(int Index, string Name, Ty Type, SourceSpan Span, string? Doc);

public sealed record ActionIr(int Index, string Name, SourceSpan Span, EquatableArray<LocalVar> Params, EquatableArray<Stmt> Body, string? Doc);

/// One conjunct of an invariant (a list item, or a top-level `and` operand), so a violation can
/// name the part that failed.
public sealed record ConjunctIr(Expr Expr, string Text);

/// An invariant, or a lemma: an auxiliary invariant that strengthens induction proofs (checked
/// like an invariant by the explorer, proved too by k-induction).
public sealed record InvariantIr(int Index, string Name, SourceSpan Span, EquatableArray<ConjunctIr> Conjuncts, string? Doc, bool IsLemma = false);

/// The checked spec for one binding of its constants: an immutable, typed IR that the
/// evaluator compiles and the SMT back end encodes. <see cref="Queries"/> are boolean state
/// predicates written outside the spec (command line, scenario files; see <see cref="SpecQuery"/>):
/// checked like invariants, but never part of the model's properties.
public sealed record SpecIr(
    string Name,
    string File,
    string Config,
    EquatableArray<(string Name, ConstValue Value)> Constants,
    EquatableArray<Ty> Types,
    EquatableArray<VarIr> Vars,
    EquatableArray<Stmt> Init,
    EquatableArray<ActionIr> Actions,
    EquatableArray<InvariantIr> Invariants,
    EquatableArray<InvariantIr> Lemmas,
    bool CheckDeadlock,
    bool Symmetry,
    int LocalCount,
    EquatableArray<InvariantIr> Queries = default)
{
    public IEnumerable<PoolTy> Pools => Types.OfType<PoolTy>();

    /// Invariants followed by lemmas: every property a reachable state must satisfy.
    public IEnumerable<InvariantIr> AllInvariants => Invariants.Concat(Lemmas);
}
