using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// What a binder (quantifier, choose, for, alloc, find, set former) ranges over: the possible
/// values in the evaluator's iteration order (ascending), each with the condition under which
/// it is a member, and membership of a symbolic value (for `choose`, which needs no expansion).
public sealed class Domain(Ty elem, IReadOnlyList<(long Value, Term Member)>? candidates, Func<Term, Term> memberOf, string? tooWide)
{
    /// More candidates than this are not expanded (a range over a huge interval).
    public const int MaxCandidates = 1 << 12;

    public Ty Elem { get; } = elem;

    /// Null when the static bounds are too wide to expand (see <see cref="TooWide"/>).
    public IReadOnlyList<(long Value, Term Member)>? Candidates { get; } = candidates;

    public Func<Term, Term> MemberOf { get; } = memberOf;

    /// Why the candidates could not be listed, for the diagnostic.
    public string? TooWide { get; } = tooWide;
}
