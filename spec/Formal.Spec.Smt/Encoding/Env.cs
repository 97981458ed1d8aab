using System.Collections.Immutable;

namespace Formal.Spec.Smt.Encoding;

/// What an expression sees: the working state, the state before the action (for `old`), and
/// the values of local names (parameters, lets, binders) by their id.
public sealed record Env(ImmutableArray<SVal> State, ImmutableArray<SVal> Old, ImmutableDictionary<int, SVal> Locals)
{
    public Env Bind(int local, SVal value) => this with { Locals = Locals.SetItem(local, value) };
}
