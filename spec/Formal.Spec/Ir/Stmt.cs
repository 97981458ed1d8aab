using Formal.Spec.Diagnostics;
using Formal.Spec.Types;

namespace Formal.Spec.Ir;

/// Typed statements of action, procedure and init bodies. Execution is sequential; `choose`,
/// `either` and `alloc` may branch; a false `require` ends a branch without a successor.
public abstract record Stmt(SourceSpan Span);

/// Target is an EVar with an index/field path: the location written.
public sealed record SAssignIr(SourceSpan Span, Expr Target, Expr Value) : Stmt(Span);
/// Every value is computed before any target is written.
public sealed record SParallelIr(SourceSpan Span, EquatableArray<SAssignIr> Assignments) : Stmt(Span);
public sealed record SRequireIr(SourceSpan Span, Expr Cond) : Stmt(Span);
public sealed record SAssertIr(SourceSpan Span, Expr Cond, string Text) : Stmt(Span);
public sealed record SLetIr(SourceSpan Span, LocalVar Local, Expr Value) : Stmt(Span);
public sealed record SChooseIr(SourceSpan Span, LocalVar Local, Expr Domain, Expr? Pred) : Stmt(Span);
/// Takes the lowest object of the domain that satisfies the condition; when there is none the
/// bound of the model is reached (counted and reported, not an error).
public sealed record SAllocIr(SourceSpan Span, LocalVar Local, Expr Domain, Expr? Pred, string PoolName) : Stmt(Span);
public sealed record SIfIr(SourceSpan Span, Expr Cond, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else) : Stmt(Span);
public sealed record SForIr(SourceSpan Span, LocalVar Local, Expr Domain, Expr? Pred, EquatableArray<Stmt> Body) : Stmt(Span);
/// Owner: the action or procedure the statement is written in (names the choice in traces);
/// Labels: the branch names (empty: branches are numbered from 1).
public sealed record SEitherIr(SourceSpan Span, EquatableArray<EquatableArray<Stmt>> Branches, string Owner, EquatableArray<string> Labels) : Stmt(Span)
{
    public string BranchName(long index) => Labels.Count > index ? Labels[(int)index] : (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
public sealed record SCallIr(SourceSpan Span, ProcIr Proc, EquatableArray<Expr> Args) : Stmt(Span);
public sealed record SSkipIr(SourceSpan Span) : Stmt(Span);

public sealed record ProcIr(string Name, SourceSpan Span, EquatableArray<LocalVar> Params, EquatableArray<Stmt> Body)
{
    public bool Equals(ProcIr? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}
