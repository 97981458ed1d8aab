using Formal.Spec.Diagnostics;

namespace Formal.Spec.Syntax;

public enum BinOp
{
    Add, Sub, Mul, Div, Mod,
    Eq, Ne, Lt, Le, Gt, Ge,
    And, Or, Implies, Iff,
    In, NotIn, SubsetEq, Union, Inter, Diff,
}

public enum UnOp { Neg, Not }

/// Untyped syntax of expressions, types and one-line statements. Every node carries the span of
/// its first token in the YAML file.
public abstract record Ast(SourceSpan Span);

public sealed record AName(SourceSpan Span, string Name) : Ast(Span);
public sealed record AInt(SourceSpan Span, long Value) : Ast(Span);
public sealed record ABool(SourceSpan Span, bool Value) : Ast(Span);
public sealed record ANone(SourceSpan Span) : Ast(Span);
/// The zero value of the type the context expects (false, lowest value, first enum value, object
/// 0, none, empty); used to return a freed object to its pool.
public sealed record ADefault(SourceSpan Span) : Ast(Span);
public sealed record AUnary(SourceSpan Span, UnOp Op, Ast Operand) : Ast(Span);
public sealed record ABinary(SourceSpan Span, BinOp Op, Ast Left, Ast Right) : Ast(Span);
public sealed record AIf(SourceSpan Span, Ast Cond, Ast Then, Ast Else) : Ast(Span);
public sealed record ALet(SourceSpan Span, string Name, Ast Value, Ast Body) : Ast(Span);
public sealed record ABinder(SourceSpan Span, string Name, Ast Domain);
public sealed record AQuant(SourceSpan Span, bool Forall, IReadOnlyList<ABinder> Binders, Ast Body) : Ast(Span);
public sealed record ASetLit(SourceSpan Span, IReadOnlyList<Ast> Items) : Ast(Span);
public sealed record ASetFilter(SourceSpan Span, ABinder Binder, Ast Pred) : Ast(Span);
public sealed record ASetMap(SourceSpan Span, Ast Elem, ABinder Binder, Ast? Pred) : Ast(Span);
public sealed record AMapComp(SourceSpan Span, ABinder Binder, Ast Body) : Ast(Span);
public sealed record ASeqLit(SourceSpan Span, IReadOnlyList<Ast> Items) : Ast(Span);
public sealed record ARecordLit(SourceSpan Span, IReadOnlyList<(string Name, SourceSpan Span, Ast Value)> Fields) : Ast(Span);
public sealed record AIndex(SourceSpan Span, Ast Target, Ast Key) : Ast(Span);
public sealed record AField(SourceSpan Span, Ast Target, string Name) : Ast(Span);
public sealed record ACall(SourceSpan Span, string Name, IReadOnlyList<Ast> Args) : Ast(Span);
public sealed record ARange(SourceSpan Span, Ast Lo, Ast Hi) : Ast(Span);
public sealed record AFind(SourceSpan Span, ABinder Binder, Ast Pred) : Ast(Span);

/// One step of a functional-update path: `[key]` or `.field`.
public sealed record APathStep(SourceSpan Span, Ast? Key, string? Field);
public sealed record AWith(SourceSpan Span, Ast Target, IReadOnlyList<APathStep> Path, Ast Value) : Ast(Span);

/// Placeholder after a syntax error, so that checking continues without cascades.
public sealed record AError(SourceSpan Span) : Ast(Span);

// ---- types ----
public abstract record AType(SourceSpan Span);
public sealed record ATypeName(SourceSpan Span, string Name) : AType(Span);
public sealed record ATypeRange(SourceSpan Span, Ast Lo, Ast Hi) : AType(Span);
public sealed record ATypeSet(SourceSpan Span, AType Elem) : AType(Span);
public sealed record ATypeOption(SourceSpan Span, AType Inner) : AType(Span);
public sealed record ATypeSeq(SourceSpan Span, AType Elem, Ast Capacity) : AType(Span);
public sealed record ATypeMap(SourceSpan Span, AType Key, AType Value) : AType(Span);
public sealed record ATypeRecord(SourceSpan Span, IReadOnlyList<(string Name, SourceSpan Span, AType Type)> Fields) : AType(Span);
public sealed record ATypeError(SourceSpan Span) : AType(Span);

// ---- statements written as one line of text ----
public abstract record AStmtLine(SourceSpan Span);
public sealed record SAssign(SourceSpan Span, Ast Target, Ast Value) : AStmtLine(Span);
public sealed record SRequire(SourceSpan Span, Ast Cond) : AStmtLine(Span);
public sealed record SAssert(SourceSpan Span, Ast Cond) : AStmtLine(Span);
public sealed record SLet(SourceSpan Span, string Name, Ast Value) : AStmtLine(Span);
public sealed record SChoose(SourceSpan Span, ABinder Binder, Ast? Pred) : AStmtLine(Span);
public sealed record SAlloc(SourceSpan Span, ABinder Binder, Ast? Pred) : AStmtLine(Span);
public sealed record SCall(SourceSpan Span, string Name, IReadOnlyList<Ast> Args) : AStmtLine(Span);
public sealed record SSkip(SourceSpan Span) : AStmtLine(Span);
public sealed record SError(SourceSpan Span) : AStmtLine(Span);
