using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Checking;

/// Type-checks expressions into typed IR. Reports every problem at the position of the
/// offending token and returns an error-typed node so that checking continues.
public sealed class ExprChecker(Env env)
{
    private static readonly string[] BuiltinNames = ["card", "len", "head", "last", "tail", "append", "min", "max", "some", "old"];

    private DiagnosticBag Diags => env.Diags;

    public Expr Error(SourceSpan span, string message)
    {
        Diags.Error(span, message);
        return new EConst(ErrorTy.Instance, span, 0);
    }

    private static Expr Err(SourceSpan span) => new EConst(ErrorTy.Instance, span, 0);

    public Expr Check(Ast a, Scope s, Mode m, Ty? expected = null)
    {
        switch (a)
        {
            case AInt i: return new EConst(new IntTy(i.Value, i.Value), i.Span, i.Value);
            case ABool b: return new EConst(BoolTy.Instance, b.Span, b.Value ? 1 : 0);
            case ANone n: return NoneOf(expected as OptionTy ?? new OptionTy(AnyTy.Instance), n.Span);
            case ADefault d:
                if (expected is null or AnyTy or ErrorTy) return Error(d.Span, "the type of 'default' is not known here; use it as the value of an assignment or field");
                return DefaultOf(expected, d.Span);
            case AName n: return Name(n, s);
            case AUnary u: return Unary(u, s, m);
            case ABinary b: return Binary(b, s, m);
            case AIf f:
            {
                var c = Bool(f.Cond, s, m);
                var t = Check(f.Then, s, m, expected);
                var e = Check(f.Else, s, m, expected ?? t.Type);
                if (!TypeOps.Compatible(t.Type, e.Type))
                    return Error(f.Else.Span, $"the branches of 'if' have different types: {t.Type.Show()} and {e.Type.Show()}");
                var ty = TypeOps.Join(t.Type, e.Type);
                return new EIf(ty, f.Span, c, Coerce(t, ty), Coerce(e, ty));
            }
            case ALet l:
            {
                var v = Check(l.Value, s, m);
                var local = Bind(l.Name, v.Type, l.Span, s);
                var body = Check(l.Body, s.With(local), m, expected);
                return new ELet(body.Type, l.Span, local, v, body);
            }
            case AQuant q: return Quant(q, 0, s, m);
            case ASetLit sl:
            {
                var elemHint = (expected as SetTy)?.Elem;
                var items = sl.Items.Select(i => Check(i, s, m, elemHint)).ToList();
                var elem = JoinAll(items, items.Count == 0 ? elemHint ?? AnyTy.Instance : AnyTy.Instance, "set elements");
                if (elem is null) return Err(sl.Span);
                if (TypeOps.SetElementProblem(elem) is { } p) return Error(sl.Span, p);
                return new ESetLit(new SetTy(elem), sl.Span, EquatableArray<Expr>.From(items.Select(i => Coerce(i, elem, i.Span, "a set element"))));
            }
            case ASetFilter f:
            {
                var dom = Domain(f.Binder.Domain, s, m);
                var elem = ElemOf(dom);
                if (TypeOps.SetElementProblem(elem) is { } p) return Error(f.Span, p);
                var local = Bind(f.Binder.Name, elem, f.Binder.Span, s);
                var pred = Bool(f.Pred, s.With(local), m);
                return new ESetFilter(new SetTy(elem), f.Span, local, dom, pred);
            }
            case ASetMap sm:
            {
                var dom = Domain(sm.Binder.Domain, s, m);
                var local = Bind(sm.Binder.Name, ElemOf(dom), sm.Binder.Span, s);
                var inner = s.With(local);
                var pred = sm.Pred is null ? null : Bool(sm.Pred, inner, m);
                var elem = Check(sm.Elem, inner, m, (expected as SetTy)?.Elem);
                if (TypeOps.SetElementProblem(elem.Type) is { } p) return Error(sm.Elem.Span, p);
                return new ESetMap(new SetTy(elem.Type), sm.Span, local, dom, pred, elem);
            }
            case AMapComp mc:
            {
                var dom = Domain(mc.Binder.Domain, s, m);
                Ty key;
                if (dom is ETypeDomain td) key = td.Elem;
                else if (dom is ERange { Lo: EConst lo, Hi: EConst hi }) key = new IntTy(lo.Value, hi.Value);
                else if (dom.Type is ErrorTy) key = ErrorTy.Instance;
                else return Error(mc.Binder.Domain.Span, "a map's domain must be a whole type (e.g. Proc) or a constant range (e.g. 0..N-1)");
                if (key is not ErrorTy && TypeOps.KeyCount(key) == 0) return Error(mc.Binder.Domain.Span, $"map keys cannot be {key.Show()}");
                var local = Bind(mc.Binder.Name, key, mc.Binder.Span, s);
                var valueHint = (expected as MapTy)?.Value;
                var body = Check(mc.Body, s.With(local), m, valueHint);
                var valueTy = valueHint is not null && TypeOps.Compatible(valueHint, body.Type) ? TypeOps.Join(valueHint, body.Type) : body.Type;
                return new EMapComp(new MapTy(key, valueTy), mc.Span, local, Coerce(body, valueTy, mc.Body.Span, "a map value"));
            }
            case ASeqLit sq:
            {
                var hint = expected as SeqTy;
                var items = sq.Items.Select(i => Check(i, s, m, hint?.Elem)).ToList();
                var elem = JoinAll(items, items.Count == 0 ? hint?.Elem ?? AnyTy.Instance : AnyTy.Instance, "sequence elements");
                if (elem is null) return Err(sq.Span);
                if (items.Count > 64) return Error(sq.Span, "sequence literal longer than 64");
                return new ESeqLit(new SeqTy(elem, Math.Max(items.Count, hint?.Capacity ?? 0)), sq.Span, EquatableArray<Expr>.From(items.Select(i => Coerce(i, elem, i.Span, "a sequence element"))));
            }
            case ARecordLit r: return Record(r, s, m, expected as RecordTy);
            case AIndex ix: return Index(ix, s, m);
            case AField f: return FieldAccess(f, s, m);
            case ACall c: return Call(c, s, m, expected);
            case ARange r:
            {
                var range = Range(r, s, m);
                if (range.Type is SetTy st && TypeOps.SetElementProblem(st.Elem) is { } p)
                    return Error(r.Span, $"{p}; a range outside 0..63 can be iterated (forall, for, choose) but not stored as a set");
                return range;
            }
            case AFind f:
            {
                var dom = Domain(f.Binder.Domain, s, m);
                var elem = ElemOf(dom);
                if (!TypeOps.IsScalarOptionInner(elem)) return Error(f.Span, $"find over {elem.Show()} is not supported");
                var local = Bind(f.Binder.Name, elem, f.Binder.Span, s);
                var pred = Bool(f.Pred, s.With(local), m);
                return new EFind(new OptionTy(elem), f.Span, local, dom, pred);
            }
            case AWith w: return With(w, s, m);
            case AError e: return Err(e.Span);
            default: return Error(a.Span, "unsupported expression");
        }
    }

    // ------------------------------------------------------------------ names

    private Expr Name(AName n, Scope s)
    {
        if (s.Find(n.Name) is { } local) return new ELocal(local.Type, n.Span, local);
        if (env.Vars.TryGetValue(n.Name, out var v)) return new EVar(v.Type, n.Span, v.Index, v.Name);
        if (env.DefDecls.ContainsKey(n.Name))
        {
            var def = Def(n.Name, n.Span);
            if (def is null) return Err(n.Span);
            if (def.Params.Count > 0) return Error(n.Span, $"'{n.Name}' takes {def.Params.Count} argument(s): write {n.Name}(...)");
            return new EDefCall(def.Body.Type, n.Span, def, EquatableArray<Expr>.From([]));
        }
        if (env.Constants.TryGetValue(n.Name, out var c))
            return c.IsBool ? new EConst(BoolTy.Instance, n.Span, c.Int) : new EConst(new IntTy(c.Int, c.Int), n.Span, c.Int);
        if (env.EnumMembers.TryGetValue(n.Name, out var em)) return new EConst(em.Type, n.Span, em.Ordinal);
        if (n.Name == "bool") return new ETypeDomain(new SetTy(BoolTy.Instance), n.Span, BoolTy.Instance);
        if (env.Types.Named(n.Name, n.Span) is { } t)
        {
            if (TypeOps.DomainSize(t) < 0 || TypeOps.DomainSize(t) > TypeResolver.MaxMapKeys)
                return Error(n.Span, $"type '{n.Name}' ({t.Show()}) cannot be used as a set of values");
            return new ETypeDomain(new SetTy(t), n.Span, t);
        }
        if (env.ProcDecls.ContainsKey(n.Name)) return Error(n.Span, $"'{n.Name}' is a procedure; call it as a statement");
        return Error(n.Span, $"unknown name '{n.Name}'{Suggest.Hint(n.Name, s.Names.Concat(env.AllNames).Concat(["true", "false", "none"]))}");
    }

    public LocalVar Bind(string name, Ty type, SourceSpan span, Scope s)
    {
        if (s.Find(name) is not null) Diags.Error(span, $"'{name}' is already bound here; choose another name");
        else if (env.Vars.ContainsKey(name)) Diags.Error(span, $"'{name}' hides the state variable of the same name; choose another name");
        else if (env.Constants.ContainsKey(name)) Diags.Error(span, $"'{name}' hides the constant of the same name; choose another name");
        else if (env.EnumMembers.ContainsKey(name)) Diags.Error(span, $"'{name}' hides the enum value of the same name; choose another name");
        else if (env.DefDecls.ContainsKey(name)) Diags.Error(span, $"'{name}' hides the definition of the same name; choose another name");
        return env.NewLocal(name, type, span);
    }

    public DefIr? Def(string name, SourceSpan useSpan)
    {
        if (env.Defs.TryGetValue(name, out var done)) return done;
        var decl = env.DefDecls[name];
        if (!env.InProgress.Add("def:" + name))
        {
            Diags.Error(useSpan, $"definition '{name}' refers to itself (recursion is not supported)");
            return null;
        }
        var scope = Scope.Empty;
        var ps = new List<LocalVar>();
        foreach (var p in decl.Params)
        {
            var local = Bind(p.Name, ParamType(p), p.Span, scope);
            ps.Add(local);
            scope = scope.With(local);
        }
        var body = Check(decl.Body, scope, Mode.Read);
        env.InProgress.Remove("def:" + name);
        var def = new DefIr(name, decl.Span, EquatableArray<LocalVar>.From(ps), body);
        env.Defs[name] = def;
        return def;
    }

    public Ty ParamType(ParamDecl p)
    {
        var t = env.Types.Resolve(p.Type);
        if (TypeResolver.StorageProblem(t) is { } problem) Diags.Error(p.Span, $"parameter '{p.Name}': {problem}");
        return t;
    }

    // ------------------------------------------------------------------ operators

    private Expr Bool(Ast a, Scope s, Mode m)
    {
        var e = Check(a, s, m, BoolTy.Instance);
        if (!TypeOps.IsBool(e.Type)) return Error(a.Span, $"expected a boolean but found {e.Type.Show()}");
        return e;
    }

    private Expr Int(Ast a, Scope s, Mode m)
    {
        var e = Check(a, s, m);
        if (!TypeOps.IsInt(e.Type)) return Error(a.Span, $"expected an integer but found {e.Type.Show()}");
        return e;
    }

    private Expr Unary(AUnary u, Scope s, Mode m)
    {
        if (u.Op == UnOp.Not) return new EUnary(BoolTy.Instance, u.Span, UnOp.Not, Bool(u.Operand, s, m));
        var e = Int(u.Operand, s, m);
        var t = e.Type as IntTy ?? IntTy.Unbounded;
        return new EUnary(Interval.Neg(t), u.Span, UnOp.Neg, e);
    }

    private Expr Binary(ABinary b, Scope s, Mode m)
    {
        switch (b.Op)
        {
            case BinOp.Add or BinOp.Sub or BinOp.Mul or BinOp.Div or BinOp.Mod:
            {
                var l = Int(b.Left, s, m);
                var r = Int(b.Right, s, m);
                if (l.Type is ErrorTy || r.Type is ErrorTy) return Err(b.Span);
                if (b.Op is BinOp.Div or BinOp.Mod && r is EConst { Value: 0 })
                    return Error(b.Right.Span, "division by zero");
                var ty = Interval.Arith(b.Op, l.Type as IntTy ?? IntTy.Unbounded, r.Type as IntTy ?? IntTy.Unbounded);
                return new EBinary(ty, b.Span, b.Op, l, r);
            }
            case BinOp.Lt or BinOp.Le or BinOp.Gt or BinOp.Ge:
                return new EBinary(BoolTy.Instance, b.Span, b.Op, Int(b.Left, s, m), Int(b.Right, s, m));
            case BinOp.And or BinOp.Or or BinOp.Implies or BinOp.Iff:
                return new EBinary(BoolTy.Instance, b.Span, b.Op, Bool(b.Left, s, m), Bool(b.Right, s, m));
            case BinOp.Eq or BinOp.Ne:
            {
                var l = Check(b.Left, s, m);
                var r = Check(b.Right, s, m, l.Type);
                if (l.Type is AnyTy || (l.Type is OptionTy { Inner: AnyTy } && r.Type is not AnyTy)) l = Check(b.Left, s, m, r.Type);
                // `o == x` with o an option and x a plain value compares o with some(x).
                if (l.Type is OptionTy && r.Type is not OptionTy and not ErrorTy and not AnyTy) r = new ESome(new OptionTy(r.Type), r.Span, r);
                else if (r.Type is OptionTy && l.Type is not OptionTy and not ErrorTy and not AnyTy) l = new ESome(new OptionTy(l.Type), l.Span, l);
                if (!TypeOps.Compatible(l.Type, r.Type))
                    return Error(b.Span, $"cannot compare {l.Type.Show()} with {r.Type.Show()}");
                var ty = TypeOps.Join(l.Type, r.Type);
                if (!TypeOps.IsScalar(ty) || !TypeOps.IsScalar(l.Type) || !TypeOps.IsScalar(r.Type))
                {
                    l = Coerce(l, ty);
                    r = Coerce(r, ty);
                }
                return new EBinary(BoolTy.Instance, b.Span, b.Op, l, r);
            }
            case BinOp.In or BinOp.NotIn:
            {
                var container = Check(b.Right, s, m);
                if (container.Type is SeqTy sq)
                {
                    var el = Coerce(Check(b.Left, s, m, sq.Elem), sq.Elem, b.Left.Span, "the element");
                    return new ESeqContains(BoolTy.Instance, b.Span, el, container, b.Op == BinOp.NotIn);
                }
                if (container.Type is ErrorTy) return Err(b.Span);
                if (container.Type is not SetTy st)
                    return Error(b.Right.Span, $"'{AstPrinter.OpText(b.Op)}' needs a set or sequence on the right, not {container.Type.Show()}");
                var elem = Check(b.Left, s, m, st.Elem);
                if (!TypeOps.Compatible(elem.Type, st.Elem))
                    return Error(b.Left.Span, $"{elem.Type.Show()} cannot be an element of {st.Show()}");
                return new EBinary(BoolTy.Instance, b.Span, b.Op, elem, container);
            }
            case BinOp.SubsetEq or BinOp.Union or BinOp.Inter or BinOp.Diff:
            {
                var l = Check(b.Left, s, m);
                var r = Check(b.Right, s, m, l.Type);
                if (l.Type is ErrorTy || r.Type is ErrorTy) return Err(b.Span);
                if (l.Type is not SetTy || r.Type is not SetTy || !TypeOps.Compatible(l.Type, r.Type))
                    return Error(b.Span, $"'{AstPrinter.OpText(b.Op)}' needs two sets of the same element type, not {l.Type.Show()} and {r.Type.Show()}");
                var ty = TypeOps.Join(l.Type, r.Type);
                return new EBinary(b.Op == BinOp.SubsetEq ? BoolTy.Instance : ty, b.Span, b.Op, l, r);
            }
        }
        return Error(b.Span, "unsupported operator");
    }

    private Expr Quant(AQuant q, int i, Scope s, Mode m)
    {
        if (i == q.Binders.Count) return Bool(q.Body, s, m);
        var b = q.Binders[i];
        var dom = Domain(b.Domain, s, m);
        var local = Bind(b.Name, ElemOf(dom), b.Span, s);
        var body = Quant(q, i + 1, s.With(local), m);
        return new EQuant(BoolTy.Instance, i == 0 ? q.Span : b.Span, q.Forall, local, dom, body);
    }

    /// A set to iterate: any set expression, a whole type, or a range (which need not fit 0..63).
    public Expr Domain(Ast a, Scope s, Mode m)
    {
        if (a is ARange r) return Range(r, s, m);
        var e = Check(a, s, m);
        if (e.Type is SetTy or ErrorTy) return e;
        return Error(a.Span, $"expected a set to range over (a set, a type like Proc, or lo..hi) but found {e.Type.Show()}");
    }

    public static Ty ElemOf(Expr domain) => domain.Type is SetTy st ? st.Elem : ErrorTy.Instance;

    private Expr Range(ARange r, Scope s, Mode m)
    {
        var lo = Int(r.Lo, s, m);
        var hi = Int(r.Hi, s, m);
        if (lo.Type is not IntTy lt || hi.Type is not IntTy ht) return Err(r.Span);
        var elem = lo is EConst cl && hi is EConst ch ? new IntTy(cl.Value, Math.Max(cl.Value, ch.Value)) : new IntTy(lt.Lo, Math.Max(lt.Lo, ht.Hi));
        return new ERange(new SetTy(elem), r.Span, lo, hi);
    }

    // ------------------------------------------------------------------ structures

    private Expr Record(ARecordLit r, Scope s, Mode m, RecordTy? hint)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in r.Fields)
            if (!seen.Add(f.Name)) return Error(f.Span, $"field '{f.Name}' given twice");
        if (hint is not null && hint.Fields.Count == r.Fields.Count && r.Fields.All(f => hint.IndexOf(f.Name) >= 0))
        {
            var values = new Expr[hint.Fields.Count];
            foreach (var f in r.Fields)
            {
                int idx = hint.IndexOf(f.Name);
                values[idx] = Coerce(Check(f.Value, s, m, hint.Fields[idx].Type), hint.Fields[idx].Type, f.Span, $"field '{f.Name}'");
            }
            return new ERecord(hint, r.Span, EquatableArray<Expr>.From(values));
        }
        if (hint is not null)
        {
            var missing = hint.Fields.Select(f => f.Name).Where(n => !seen.Contains(n)).ToList();
            var extra = r.Fields.Where(f => hint.IndexOf(f.Name) < 0).ToList();
            if (extra.Count > 0) return Error(extra[0].Span, $"record {hint.Show()} has no field '{extra[0].Name}'{Suggest.Hint(extra[0].Name, hint.Fields.Select(f => f.Name))}");
            if (missing.Count > 0) return Error(r.Span, $"missing field(s) {string.Join(", ", missing)} of {hint.Show()}");
        }
        var checkedFields = r.Fields.Select(f => (f.Name, Value: Check(f.Value, s, m))).ToList();
        var ty = new RecordTy(null, EquatableArray<Field>.From(checkedFields.Select(f => new Field(f.Name, f.Value.Type))));
        return new ERecord(ty, r.Span, EquatableArray<Expr>.From(checkedFields.Select(f => f.Value)));
    }

    private Expr Index(AIndex ix, Scope s, Mode m)
    {
        var target = Check(ix.Target, s, m);
        switch (target.Type)
        {
            case MapTy mt:
            {
                var key = Check(ix.Key, s, m, mt.Key);
                if (!TypeOps.Compatible(key.Type, mt.Key))
                    return Error(ix.Key.Span, $"this map's keys are {mt.Key.Show()}, not {key.Type.Show()}");
                return new EIndex(mt.Value, ix.Span, target, key);
            }
            case SeqTy st:
                return new EIndex(st.Elem, ix.Span, target, Int(ix.Key, s, m));
            case ErrorTy: return Err(ix.Span);
            default: return Error(ix.Span, $"only maps and sequences can be indexed; this is {target.Type.Show()}");
        }
    }

    private Expr FieldAccess(AField f, Scope s, Mode m)
    {
        var target = Check(f.Target, s, m);
        switch (target.Type)
        {
            case RecordTy rt:
            {
                int i = rt.IndexOf(f.Name);
                if (i < 0) return Error(f.Span, $"{rt.Show()} has no field '{f.Name}'{Suggest.Hint(f.Name, rt.Fields.Select(x => x.Name))}");
                return new EField(rt.Fields[i].Type, f.Span, target, i);
            }
            case OptionTy ot when f.Name == "value":
                return new EOptionValue(ot.Inner, f.Span, target);
            case OptionTy:
                return Error(f.Span, $"an option has only '.value' (write o.value.{f.Name} after checking o != none)");
            case ErrorTy: return Err(f.Span);
            default: return Error(f.Span, $"'.{f.Name}': {target.Type.Show()} has no fields");
        }
    }

    private Expr With(AWith w, Scope s, Mode m)
    {
        var target = Check(w.Target, s, m);
        if (target.Type is ErrorTy) return Err(w.Span);
        var steps = new List<PathStep>();
        var cur = target.Type;
        foreach (var step in w.Path)
        {
            if (step.Key is not null)
            {
                if (cur is MapTy mt)
                {
                    var key = Check(step.Key, s, m, mt.Key);
                    if (!TypeOps.Compatible(key.Type, mt.Key)) return Error(step.Key.Span, $"this map's keys are {mt.Key.Show()}, not {key.Type.Show()}");
                    steps.Add(new PathStep(key, -1, cur));
                    cur = mt.Value;
                }
                else if (cur is SeqTy st)
                {
                    steps.Add(new PathStep(Int(step.Key, s, m), -1, cur));
                    cur = st.Elem;
                }
                else return Error(step.Span, $"cannot index {cur.Show()}");
            }
            else
            {
                if (cur is not RecordTy rt) return Error(step.Span, $"'.{step.Field}': {cur.Show()} has no fields");
                int i = rt.IndexOf(step.Field!);
                if (i < 0) return Error(step.Span, $"{rt.Show()} has no field '{step.Field}'{Suggest.Hint(step.Field!, rt.Fields.Select(x => x.Name))}");
                steps.Add(new PathStep(null, i, cur));
                cur = rt.Fields[i].Type;
            }
        }
        var raw = Check(w.Value, s, m, cur);
        if (cur is OptionTy && raw.Type is not OptionTy and not ErrorTy and not AnyTy) raw = new ESome(new OptionTy(raw.Type), raw.Span, raw);
        if (!TypeOps.Compatible(cur, raw.Type)) return Error(w.Value.Span, $"the new value must be {cur.Show()}, not {raw.Type.Show()}");
        var leaf = TypeOps.Join(cur, raw.Type);
        var value = Coerce(raw, leaf, w.Value.Span, "the new value");
        return new EWith(Widen(target.Type, steps, 0, leaf), w.Span, target, EquatableArray<PathStep>.From(steps), value);
    }

    /// The container type after a value of type <paramref name="leaf"/> is written at the path:
    /// integer intervals widen, so updating a literal-typed value does not narrow it.
    private static Ty Widen(Ty container, List<PathStep> steps, int i, Ty leaf)
    {
        if (i == steps.Count) return leaf;
        return container switch
        {
            MapTy mt => new MapTy(mt.Key, Widen(mt.Value, steps, i + 1, leaf)),
            SeqTy st => new SeqTy(Widen(st.Elem, steps, i + 1, leaf), st.Capacity),
            RecordTy rt => new RecordTy(rt.Name, EquatableArray<Field>.From(rt.Fields.Select((f, k) =>
                k == steps[i].Field ? new Field(f.Name, Widen(f.Type, steps, i + 1, leaf)) : f))),
            _ => container,
        };
    }

    /// The join of the items' types (null after reporting incompatible items).
    private Ty? JoinAll(List<Expr> items, Ty start, string what)
    {
        var t = start;
        foreach (var it in items)
        {
            if (!TypeOps.Compatible(t, it.Type))
            {
                Diags.Error(it.Span, $"{what} have different types: {t.Show()} and {it.Type.Show()}");
                return null;
            }
            t = TypeOps.Join(t, it.Type);
        }
        return t;
    }

    private Expr Call(ACall c, Scope s, Mode m, Ty? expected)
    {
        Expr Arity(int n) => Error(c.Span, $"{c.Name} takes {n} argument(s), not {c.Args.Count}");
        switch (c.Name)
        {
            case "card":
            {
                if (c.Args.Count != 1) return Arity(1);
                var a = Check(c.Args[0], s, m);
                if (a.Type is ErrorTy) return Err(c.Span);
                if (a.Type is not SetTy st) return Error(c.Args[0].Span, $"card needs a set, not {a.Type.Show()}");
                long max = TypeOps.DomainSize(st.Elem) is var n and >= 0 ? Math.Min(n, TypeOps.MaxSetElements) : TypeOps.MaxSetElements;
                return new ECall(new IntTy(0, max), c.Span, Builtin.Card, EquatableArray<Expr>.From([a]));
            }
            case "len" or "head" or "last" or "tail":
            {
                if (c.Args.Count != 1) return Arity(1);
                var a = Check(c.Args[0], s, m);
                if (a.Type is ErrorTy) return Err(c.Span);
                if (a.Type is not SeqTy st) return Error(c.Args[0].Span, $"{c.Name} needs a sequence, not {a.Type.Show()}");
                var (fn, ty) = c.Name switch
                {
                    "len" => (Builtin.Len, (Ty)new IntTy(0, st.Capacity)),
                    "head" => (Builtin.Head, st.Elem),
                    "last" => (Builtin.Last, st.Elem),
                    _ => (Builtin.Tail, st),
                };
                return new ECall(ty, c.Span, fn, EquatableArray<Expr>.From([a]));
            }
            case "append":
            {
                if (c.Args.Count != 2) return Arity(2);
                var a = Check(c.Args[0], s, m, expected);
                if (a.Type is ErrorTy) return Err(c.Span);
                if (a.Type is not SeqTy st) return Error(c.Args[0].Span, $"append needs a sequence, not {a.Type.Show()}");
                var raw = Check(c.Args[1], s, m, st.Elem);
                if (!TypeOps.Compatible(st.Elem, raw.Type)) return Error(c.Args[1].Span, $"the appended element must be {st.Elem.Show()}, not {raw.Type.Show()}");
                var rt = new SeqTy(TypeOps.Join(st.Elem, raw.Type), st.Capacity);
                return new ECall(rt, c.Span, Builtin.Append, EquatableArray<Expr>.From([Coerce(a, rt), Coerce(raw, rt.Elem)]));
            }
            case "min" or "max":
            {
                if (c.Args.Count != 1) return Arity(1);
                var a = Check(c.Args[0], s, m);
                if (a.Type is ErrorTy) return Err(c.Span);
                if (a.Type is not SetTy { Elem: IntTy it }) return Error(c.Args[0].Span, $"{c.Name} needs a set of integers, not {a.Type.Show()}");
                return new ECall(it, c.Span, c.Name == "min" ? Builtin.Min : Builtin.Max, EquatableArray<Expr>.From([a]));
            }
            case "some":
            {
                if (c.Args.Count != 1) return Arity(1);
                var a = Check(c.Args[0], s, m, (expected as OptionTy)?.Inner);
                if (a.Type is OptionTy) return Error(c.Span, "option of option is not supported");
                return new ESome(new OptionTy(a.Type), c.Span, a);
            }
            case "old":
            {
                if (c.Args.Count != 1) return Arity(1);
                if (m != Mode.Action) return Error(c.Span, "old(...) is only allowed in action and procedure bodies");
                var a = Check(c.Args[0], s, m, expected);
                return new EOld(a.Type, c.Span, a);
            }
        }
        if (env.DefDecls.ContainsKey(c.Name))
        {
            var def = Def(c.Name, c.Span);
            if (def is null) return Err(c.Span);
            if (def.Params.Count != c.Args.Count) return Arity(def.Params.Count);
            var args = def.Params.Zip(c.Args).Select(p => Coerce(Check(p.Second, s, m, p.First.Type), p.First.Type, p.Second.Span, $"argument '{p.First.Name}'")).ToList();
            return new EDefCall(def.Body.Type, c.Span, def, EquatableArray<Expr>.From(args));
        }
        if (env.ProcDecls.ContainsKey(c.Name)) return Error(c.Span, $"'{c.Name}' is a procedure; call it as a statement, not inside an expression");
        return Error(c.Span, $"unknown function '{c.Name}'{Suggest.Hint(c.Name, BuiltinNames.Concat(env.DefDecls.Keys))}");
    }

    /// The zero value of a type, built from literals (so back ends need no extra node kind).
    private Expr DefaultOf(Ty t, SourceSpan span)
    {
        switch (t)
        {
            case BoolTy or EnumTy or PoolTy: return new EConst(t, span, 0);
            case IntTy i when i.IsFinite: return new EConst(new IntTy(i.Lo, i.Lo), span, i.Lo);
            case IntTy: return new EConst(new IntTy(0, 0), span, 0);
            case SetTy st: return new ESetLit(st, span, EquatableArray<Expr>.From([]));
            case OptionTy o: return NoneOf(o, span);
            case SeqTy q: return new ESeqLit(q, span, EquatableArray<Expr>.From([]));
            case RecordTy r: return new ERecord(r, span, EquatableArray<Expr>.From(r.Fields.Select(f => DefaultOf(f.Type, span))));
            case MapTy m:
            {
                var local = env.NewLocal("_", m.Key, span);
                return new EMapComp(m, span, local, DefaultOf(m.Value, span));
            }
            default: return Error(span, $"{t.Show()} has no default value");
        }
    }

    private static Expr NoneOf(OptionTy t, SourceSpan span) =>
        TypeOps.IsScalar(t) ? new EConst(t, span, TypeOps.NoneValue) : new ENone(t, span);

    // ------------------------------------------------------------------ conversions

    /// Converts <paramref name="e"/> to type <paramref name="target"/> (reporting incompatibility).
    public Expr Coerce(Expr e, Ty target, SourceSpan span, string what)
    {
        if (e.Type is ErrorTy || target is ErrorTy) return e;
        if (target is OptionTy && e.Type is not OptionTy and not AnyTy)
            e = new ESome(new OptionTy(e.Type), e.Span, e);
        if (!TypeOps.Compatible(target, e.Type))
        {
            Diags.Error(span, $"{what} must be {target.Show()}, not {e.Type.Show()}");
            return Err(span);
        }
        return Coerce(e, target);
    }

    private static Expr Coerce(Expr e, Ty target)
    {
        if (e.Type is ErrorTy || target is ErrorTy) return e;
        if (TypeOps.Subsumes(target, e.Type) && Layout.Same(target, e.Type)) return e;
        if (e is EConst c && target is OptionTy && c.Value == TypeOps.NoneValue && !TypeOps.IsScalar(target)) return new ENone(target, e.Span);
        return new EConvert(target, e.Span, e);
    }
}

/// Interval arithmetic for the types of integer expressions.
public static class Interval
{
    public static IntTy Neg(IntTy t) => t.IsFinite ? new IntTy(-t.Hi, -t.Lo) : IntTy.Unbounded;

    public static IntTy Arith(BinOp op, IntTy a, IntTy b)
    {
        if (op == BinOp.Mod)
        {
            if (b.IsFinite && b.Lo > 0) return new IntTy(0, b.Hi - 1);
            return IntTy.Unbounded;
        }
        if (!a.IsFinite || !b.IsFinite) return IntTy.Unbounded;
        Int128[] corners;
        switch (op)
        {
            case BinOp.Add: corners = [(Int128)a.Lo + b.Lo, (Int128)a.Hi + b.Hi]; break;
            case BinOp.Sub: corners = [(Int128)a.Lo - b.Hi, (Int128)a.Hi - b.Lo]; break;
            case BinOp.Mul: corners = [(Int128)a.Lo * b.Lo, (Int128)a.Lo * b.Hi, (Int128)a.Hi * b.Lo, (Int128)a.Hi * b.Hi]; break;
            case BinOp.Div:
                if (b.Lo <= 0 && b.Hi >= 0) return IntTy.Unbounded;
                corners = [ConstEval.FloorDiv(a.Lo, b.Lo), ConstEval.FloorDiv(a.Lo, b.Hi), ConstEval.FloorDiv(a.Hi, b.Lo), ConstEval.FloorDiv(a.Hi, b.Hi)];
                break;
            default: return IntTy.Unbounded;
        }
        var lo = corners.Min();
        var hi = corners.Max();
        const long limit = 1L << 62;
        if (lo < -limit || hi > limit) return IntTy.Unbounded;
        return new IntTy((long)lo, (long)hi);
    }
}
