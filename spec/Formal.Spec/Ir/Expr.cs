using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Ir;

/// A variable bound inside an action, definition or expression (parameter, let, quantifier,
/// choose, alloc, for). Ids are unique within a checked spec; the compiler gives each its own
/// frame slots (the language has no recursion).
public sealed record LocalVar(int Id, string Name, Ty Type, SourceSpan Span)
{
    public bool Equals(LocalVar? other) => other is not null && other.Id == Id;
    public override int GetHashCode() => Id;
}

public enum Builtin { Card, Len, Head, Last, Tail, Append, Min, Max }

/// Typed expressions. Every node knows its type and the position of its first token.
public abstract record Expr(Ty Type, SourceSpan Span);

public sealed record EConst(Ty Type, SourceSpan Span, long Value) : Expr(Type, Span);
public sealed record EVar(Ty Type, SourceSpan Span, int Index, string Name) : Expr(Type, Span);
/// `old(e)`: evaluates e in the state before the current action started.
public sealed record EOld(Ty Type, SourceSpan Span, Expr Inner) : Expr(Type, Span);
public sealed record ELocal(Ty Type, SourceSpan Span, LocalVar Local) : Expr(Type, Span);
public sealed record EIndex(Ty Type, SourceSpan Span, Expr Target, Expr Key) : Expr(Type, Span);
public sealed record EField(Ty Type, SourceSpan Span, Expr Target, int Field) : Expr(Type, Span);
public sealed record EOptionValue(Ty Type, SourceSpan Span, Expr Target) : Expr(Type, Span);
public sealed record EUnary(Ty Type, SourceSpan Span, UnOp Op, Expr Operand) : Expr(Type, Span);
public sealed record EBinary(Ty Type, SourceSpan Span, BinOp Op, Expr Left, Expr Right) : Expr(Type, Span);
public sealed record ESeqContains(Ty Type, SourceSpan Span, Expr Elem, Expr Seq, bool Negated) : Expr(Type, Span);
public sealed record EIf(Ty Type, SourceSpan Span, Expr Cond, Expr Then, Expr Else) : Expr(Type, Span);
public sealed record ELet(Ty Type, SourceSpan Span, LocalVar Local, Expr Value, Expr Body) : Expr(Type, Span);
public sealed record EQuant(Ty Type, SourceSpan Span, bool Forall, LocalVar Local, Expr Domain, Expr Body) : Expr(Type, Span);
public sealed record ESetLit(Ty Type, SourceSpan Span, EquatableArray<Expr> Items) : Expr(Type, Span);
public sealed record ESetFilter(Ty Type, SourceSpan Span, LocalVar Local, Expr Domain, Expr Pred) : Expr(Type, Span);
public sealed record ESetMap(Ty Type, SourceSpan Span, LocalVar Local, Expr Domain, Expr? Pred, Expr Elem) : Expr(Type, Span);
/// `[x in D -> e]`: a total map over the key type (D is a whole type or a constant range).
public sealed record EMapComp(Ty Type, SourceSpan Span, LocalVar Local, Expr Body) : Expr(Type, Span);
public sealed record ERecord(Ty Type, SourceSpan Span, EquatableArray<Expr> Fields) : Expr(Type, Span);
public sealed record ESeqLit(Ty Type, SourceSpan Span, EquatableArray<Expr> Items) : Expr(Type, Span);
public sealed record ESome(Ty Type, SourceSpan Span, Expr Value) : Expr(Type, Span);
/// `none` of a composite option type (scalar options use <see cref="EConst"/> with NoneValue).
public sealed record ENone(Ty Type, SourceSpan Span) : Expr(Type, Span);
public sealed record EWith(Ty Type, SourceSpan Span, Expr Target, EquatableArray<PathStep> Path, Expr Value) : Expr(Type, Span);
public sealed record ECall(Ty Type, SourceSpan Span, Builtin Fn, EquatableArray<Expr> Args) : Expr(Type, Span);
/// `lo..hi` as a set of integers (or a domain to iterate).
public sealed record ERange(Ty Type, SourceSpan Span, Expr Lo, Expr Hi) : Expr(Type, Span);
/// A whole finite type used as a set (e.g. `Proc` in `forall p in Proc`).
public sealed record ETypeDomain(Ty Type, SourceSpan Span, Ty Elem) : Expr(Type, Span);
public sealed record EFind(Ty Type, SourceSpan Span, LocalVar Local, Expr Domain, Expr Pred) : Expr(Type, Span);
public sealed record EDefCall(Ty Type, SourceSpan Span, DefIr Def, EquatableArray<Expr> Args) : Expr(Type, Span);
/// Converts a value to another layout of a compatible type: integer range checks, option
/// wrapping, sequence capacity, recursively through records and maps.
public sealed record EConvert(Ty Type, SourceSpan Span, Expr Value) : Expr(Type, Span);

/// One step of a path in a functional update or an assignment target.
public sealed record PathStep(Expr? Key, int Field, Ty ContainerType);

/// A checked definition: parameters and body. Shared by all call sites.
public sealed record DefIr(string Name, SourceSpan Span, EquatableArray<LocalVar> Params, Expr Body)
{
    public bool Equals(DefIr? other) => ReferenceEquals(this, other);
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
}
