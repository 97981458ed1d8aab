using Formal.Spec.Diagnostics;

namespace Formal.Spec.Syntax;

/// The declarations of a spec file as written (expressions parsed, nothing resolved yet).
public sealed record SpecSyntax(
    string Name,
    SourceSpan Span,
    string? Doc,
    IReadOnlyList<ConstDecl> Constants,
    IReadOnlyList<TypeDecl> Types,
    IReadOnlyList<VarDecl> Variables,
    IReadOnlyList<DefDecl> Defs,
    IReadOnlyList<ProcDecl> Procedures,
    IReadOnlyList<StmtSyntax> Init,
    IReadOnlyList<ActionDecl> Actions,
    IReadOnlyList<InvariantDecl> Invariants,
    IReadOnlyList<InvariantDecl> Lemmas,
    IReadOnlyList<ConfigDecl> Configs,
    OptionsDecl Options);

public sealed record ConstDecl(string Name, SourceSpan Span, ConstValue Default, long? Min, long? Max, string? Doc);

/// A constant's value: an integer or a boolean.
public readonly record struct ConstValue(long Int, bool IsBool)
{
    public static ConstValue OfInt(long v) => new(v, false);
    public static ConstValue OfBool(bool b) => new(b ? 1 : 0, true);
    public override string ToString() => IsBool ? (Int != 0 ? "true" : "false") : Int.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public abstract record TypeDecl(string Name, SourceSpan Span, string? Doc);
public sealed record PoolDecl(string Name, SourceSpan Span, string? Doc, Ast Size, bool Symmetric) : TypeDecl(Name, Span, Doc);
public sealed record EnumDecl(string Name, SourceSpan Span, string? Doc, IReadOnlyList<(string Name, SourceSpan Span)> Members) : TypeDecl(Name, Span, Doc);
public sealed record AliasDecl(string Name, SourceSpan Span, string? Doc, AType Type) : TypeDecl(Name, Span, Doc);

public sealed record VarDecl(string Name, SourceSpan Span, AType Type, string? Doc);

public sealed record ParamDecl(string Name, SourceSpan Span, AType Type);

public sealed record DefDecl(string Name, SourceSpan Span, IReadOnlyList<ParamDecl> Params, Ast Body, string? Doc);

public sealed record ProcDecl(string Name, SourceSpan Span, IReadOnlyList<ParamDecl> Params, IReadOnlyList<StmtSyntax> Body, string? Doc);

public sealed record ActionDecl(string Name, SourceSpan Span, IReadOnlyList<ParamDecl> Params, IReadOnlyList<StmtSyntax> Body, string? Doc);

public sealed record InvariantDecl(string Name, SourceSpan Span, IReadOnlyList<Ast> Conjuncts, string? Doc);

public sealed record ConfigDecl(string Name, SourceSpan Span, IReadOnlyList<(string Name, SourceSpan Span, ConstValue Value)> Values, string? Doc);

public sealed record OptionsDecl(bool Deadlock, bool Symmetry);

/// A statement of an action, procedure or init body.
public abstract record StmtSyntax(SourceSpan Span);
public sealed record LineStmt(SourceSpan Span, AStmtLine Line) : StmtSyntax(Span);
public sealed record IfStmt(SourceSpan Span, Ast Cond, IReadOnlyList<StmtSyntax> Then, IReadOnlyList<StmtSyntax> Else) : StmtSyntax(Span);
public sealed record ForStmt(SourceSpan Span, ABinder Binder, Ast? Pred, IReadOnlyList<StmtSyntax> Body) : StmtSyntax(Span);
/// Nondeterministic choice between blocks; Labels name the branches (empty: numbered 1, 2, ...).
public sealed record EitherStmt(SourceSpan Span, IReadOnlyList<IReadOnlyList<StmtSyntax>> Branches, IReadOnlyList<string> Labels) : StmtSyntax(Span);
/// Simultaneous assignment: every right side is evaluated before any target is written.
public sealed record UpdateStmt(SourceSpan Span, IReadOnlyList<(Ast Target, Ast Value)> Assignments) : StmtSyntax(Span);
