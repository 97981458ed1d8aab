using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Checking;

/// Type-checks statement blocks. `let`, `choose` and `alloc` bind names for the rest of their
/// block; assignment targets must be state variables with an index/field path.
public sealed class StmtChecker(Env env, ExprChecker exprs)
{
    /// The action or procedure being checked (names `either` choices).
    public string Owner { get; set; } = "init";

    private DiagnosticBag Diags => env.Diags;

    public EquatableArray<Stmt> Block(IReadOnlyList<StmtSyntax> block, Scope scope, Mode mode)
    {
        var result = new List<Stmt>();
        foreach (var st in block)
        {
            var (ir, newScope) = Statement(st, scope, mode);
            if (ir is not null) result.Add(ir);
            scope = newScope;
        }
        return EquatableArray<Stmt>.From(result);
    }

    private (Stmt?, Scope) Statement(StmtSyntax st, Scope s, Mode m)
    {
        switch (st)
        {
            case IfStmt f:
            {
                var cond = Bool(f.Cond, s, m);
                return (new SIfIr(f.Span, cond, Block(f.Then, s, m), Block(f.Else, s, m)), s);
            }
            case ForStmt f:
            {
                var dom = exprs.Domain(f.Binder.Domain, s, m);
                var local = exprs.Bind(f.Binder.Name, ExprChecker.ElemOf(dom), f.Binder.Span, s);
                var inner = s.With(local);
                var pred = f.Pred is null ? null : Bool(f.Pred, inner, m);
                return (new SForIr(f.Span, local, dom, pred, Block(f.Body, inner, m)), s);
            }
            case EitherStmt e:
            {
                if (e.Labels.Distinct(StringComparer.Ordinal).Count() != e.Labels.Count)
                    Diags.Error(e.Span, "either branches need distinct names");
                var branches = EquatableArray<EquatableArray<Stmt>>.From(e.Branches.Select(b => Block(b, s, m)));
                return (new SEitherIr(e.Span, branches, Owner, EquatableArray<string>.From(e.Labels)), s);
            }
            case UpdateStmt u:
            {
                var seen = new Dictionary<string, SourceSpan>(StringComparer.Ordinal);
                var list = new List<SAssignIr>();
                foreach (var (target, value) in u.Assignments)
                {
                    var text = AstPrinter.Print(target);
                    if (seen.TryGetValue(text, out var first))
                        Diags.Error(target.Span, $"'{text}' is assigned twice in one update (first at line {first.Line})");
                    seen[text] = target.Span;
                    if (Assign(target, value, s, m) is { } a) list.Add(a);
                }
                return (new SParallelIr(u.Span, EquatableArray<SAssignIr>.From(list)), s);
            }
            case LineStmt l:
                return Line(l.Line, s, m);
        }
        return (null, s);
    }

    private (Stmt?, Scope) Line(AStmtLine line, Scope s, Mode m)
    {
        switch (line)
        {
            case SAssign a: return (Assign(a.Target, a.Value, s, m), s);
            case SRequire r: return (new SRequireIr(r.Span, Bool(r.Cond, s, m)), s);
            case SAssert a: return (new SAssertIr(a.Span, Bool(a.Cond, s, m), AstPrinter.Print(a.Cond)), s);
            case SLet l:
            {
                var v = exprs.Check(l.Value, s, m);
                if (v.Type is AnyTy or OptionTy { Inner: AnyTy } or SetTy { Elem: AnyTy })
                    Diags.Error(l.Span, $"the type of '{l.Name}' cannot be inferred from its value; compare or combine it with a typed value");
                var local = exprs.Bind(l.Name, v.Type, l.Span, s);
                return (new SLetIr(l.Span, local, v), s.With(local));
            }
            case SChoose c:
            {
                var dom = exprs.Domain(c.Binder.Domain, s, m);
                var local = exprs.Bind(c.Binder.Name, ExprChecker.ElemOf(dom), c.Binder.Span, s);
                var inner = s.With(local);
                var pred = c.Pred is null ? null : Bool(c.Pred, inner, m);
                return (new SChooseIr(c.Span, local, dom, pred), inner);
            }
            case SAlloc a:
            {
                var dom = exprs.Domain(a.Binder.Domain, s, m);
                var elem = ExprChecker.ElemOf(dom);
                if (elem is not PoolTy and not ErrorTy)
                    Diags.Error(a.Binder.Domain.Span, $"alloc takes an object from a pool; {elem.Show()} is not a pool");
                var local = exprs.Bind(a.Binder.Name, elem, a.Binder.Span, s);
                var inner = s.With(local);
                var pred = a.Pred is null ? null : Bool(a.Pred, inner, m);
                return (new SAllocIr(a.Span, local, dom, pred, (elem as PoolTy)?.Name ?? "?"), inner);
            }
            case SCall c: return (Call(c, s, m), s);
            case SSkip k: return (new SSkipIr(k.Span), s);
            default: return (null, s);
        }
    }

    private Stmt? Call(SCall c, Scope s, Mode m)
    {
        if (!env.ProcDecls.TryGetValue(c.Name, out _))
        {
            if (env.DefDecls.ContainsKey(c.Name))
                Diags.Error(c.Span, $"'{c.Name}' is a definition (an expression), not a procedure; use it inside require/assert/let");
            else
                Diags.Error(c.Span, $"unknown procedure '{c.Name}'{Suggest.Hint(c.Name, env.ProcDecls.Keys)}");
            return null;
        }
        var proc = Proc(c.Name, c.Span, m);
        if (proc is null) return null;
        if (proc.Params.Count != c.Args.Count)
        {
            Diags.Error(c.Span, $"{c.Name} takes {proc.Params.Count} argument(s), not {c.Args.Count}");
            return null;
        }
        var args = proc.Params.Zip(c.Args).Select(p => exprs.Coerce(exprs.Check(p.Second, s, m, p.First.Type), p.First.Type, p.Second.Span, $"argument '{p.First.Name}'"));
        return new SCallIr(c.Span, proc, EquatableArray<Expr>.From(args));
    }

    private ProcIr? Proc(string name, SourceSpan use, Mode m)
    {
        if (env.Procs.TryGetValue(name, out var done)) return done;
        if (!env.InProgress.Add("proc:" + name))
        {
            Diags.Error(use, $"procedure '{name}' calls itself (recursion is not supported)");
            return null;
        }
        var decl = env.ProcDecls[name];
        var scope = Scope.Empty;
        var ps = new List<LocalVar>();
        foreach (var p in decl.Params)
        {
            var local = exprs.Bind(p.Name, exprs.ParamType(p), p.Span, scope);
            ps.Add(local);
            scope = scope.With(local);
        }
        // Procedures are checked as action code (they may write and use old()).
        var owner = Owner;
        Owner = name;
        var body = Block(decl.Body, scope, Mode.Action);
        Owner = owner;
        env.InProgress.Remove("proc:" + name);
        var proc = new ProcIr(name, decl.Span, EquatableArray<LocalVar>.From(ps), body);
        env.Procs[name] = proc;
        return proc;
    }

    private SAssignIr? Assign(Ast target, Ast value, Scope s, Mode m)
    {
        if (m == Mode.Read)
        {
            Diags.Error(target.Span, "assignments are only allowed in init, actions and procedures");
            return null;
        }
        var t = Target(target, s, m);
        if (t is null) return null;
        var v = exprs.Coerce(exprs.Check(value, s, m, t.Type), t.Type, value.Span, $"the value assigned to '{AstPrinter.Print(target)}'");
        return new SAssignIr(target.Span, t, v);
    }

    private Expr? Target(Ast a, Scope s, Mode m)
    {
        switch (a)
        {
            case AName n:
                if (env.Vars.ContainsKey(n.Name)) return exprs.Check(n, s, m);
                if (s.Find(n.Name) is not null)
                    Diags.Error(n.Span, $"'{n.Name}' is a local name and cannot be assigned; only state variables can");
                else
                    Diags.Error(n.Span, $"'{n.Name}' is not a state variable{Suggest.Hint(n.Name, env.Vars.Keys)}");
                return null;
            case AIndex or AField:
            {
                var inner = a is AIndex ix ? ix.Target : ((AField)a).Target;
                if (Target(inner, s, m) is null) return null;
                var e = exprs.Check(a, s, m);
                if (e is EOptionValue)
                {
                    Diags.Error(a.Span, "cannot assign through '.value'; assign the whole option (x := some(v))");
                    return null;
                }
                return e.Type is ErrorTy ? null : e;
            }
            default:
                Diags.Error(a.Span, "the left side of ':=' must be a state variable, optionally with [key] and .field");
                return null;
        }
    }

    private Expr Bool(Ast a, Scope s, Mode m)
    {
        var e = exprs.Check(a, s, m, BoolTy.Instance);
        if (!TypeOps.IsBool(e.Type)) return exprs.Error(a.Span, $"expected a boolean condition but found {e.Type.Show()}");
        return e;
    }
}
