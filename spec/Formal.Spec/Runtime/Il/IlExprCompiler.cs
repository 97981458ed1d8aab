using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;
using E = System.Linq.Expressions.Expression;

namespace Formal.Spec.Runtime.Il;

/// Compiles typed expressions to expression trees that the JIT turns into straight IL, over
/// the same memory layout and slots as <see cref="ExprCompiler"/> (whose closures remain the
/// fallback for the rare forms not translated here, so every spec compiles). Two things make
/// the code faster than the closures besides removing the delegate calls: a quantifier or set
/// former over a small fixed domain is unrolled with its variable known at compile time, so
/// `vma[v].start` under `forall v in Vma` becomes one read at a fixed offset; and calls of
/// definitions are inlined, so their arguments fold the same way.
internal sealed class IlExprCompiler
{
    /// Domains up to this size are unrolled (every pool and small enum of the shipped specs).
    private const int UnrollLimit = 8;

    private readonly ExprCompiler _x;
    private readonly CompiledSpec _spec;
    // Locals whose value is known while compiling the current copy of an unrolled body.
    private readonly Dictionary<int, long> _known = new();
    // Scalar locals bound inside an expression (definition parameters, `let`, quantified
    // variables) live in IL variables; their memory slot is written only when something reads
    // the slot itself (a location, or a closure fallback): a spilled local.
    private readonly Dictionary<int, ParameterExpression> _regs = new();
    private readonly HashSet<int> _spilled = new();
    private bool _old;

    public IlExprCompiler(ExprCompiler x, CompiledSpec spec)
    {
        _x = x;
        _spec = spec;
    }

    public ParameterExpression Mach { get; } = E.Parameter(typeof(Machine), "m");
    public ParameterExpression Mem { get; } = E.Variable(typeof(long[]), "mem");

    /// The temporaries of a written-out assignment, one set per compiled delegate (as block
    /// variables of each assignment they made the large actions exceed the JIT's limit on
    /// locals, and it compiled those without optimising). An assignment evaluates no other.
    public ParameterExpression WriteOff { get; } = E.Variable(typeof(int), "woff");
    public ParameterExpression WriteVal { get; } = E.Variable(typeof(long), "wval");
    public ParameterExpression WriteOld { get; } = E.Variable(typeof(long), "wold");
    public ParameterExpression WriteTop { get; } = E.Variable(typeof(int), "wtop");
    public ParameterExpression WriteTrail { get; } = E.Variable(typeof(long[]), "wtrail");
    public ExprCompiler Closures => _x;

    // ------------------------------------------------------------------ lambdas

    public SFn Lambda(Expr e) => E.Lambda<SFn>(WithMem(S(e)), Mach).Compile();

    // Expression nodes one delegate of invariant checks may hold (see ExprSize).
    private const int ChecksBudget = 6000;

    /// The conditions in order, compiled into as few delegates as the size budget allows;
    /// each returns the index (within all of them) of its first false condition, or -1. One
    /// call and one load of the memory per group instead of per condition: new states are
    /// checked against all of anon_vma's 32 conjuncts (lemmas included).
    public SFn[] FirstFalse(IReadOnlyList<Expr> conds)
    {
        var groups = new List<SFn>();
        var parts = new List<E>();
        var ret = E.Label(typeof(long), "false_at");
        int size = 0;
        void Close()
        {
            if (parts.Count == 0) return;
            parts.Add(E.Label(ret, E.Constant(-1L)));
            groups.Add(E.Lambda<SFn>(WithMem(E.Block(typeof(long), parts)), Mach).Compile());
            parts = new List<E>();
            ret = E.Label(typeof(long), "false_at");
            size = 0;
        }
        for (int i = 0; i < conds.Count; i++)
        {
            var check = B(conds[i]);
            int n = ExprSize.Of(check, ChecksBudget);
            if (size > 0 && size + n > ChecksBudget) Close();
            parts.Add(E.IfThen(E.Not(check), E.Return(ret, E.Constant((long)i))));
            size += n;
        }
        Close();
        return groups.ToArray();
    }

    /// Wraps a body with the load of the machine's memory array.
    public E WithMem(E body)
    {
        // One check up front that the memory is as long as the largest constant index needs:
        // the JIT can then drop the bounds checks of the constant-index reads and writes.
        int max = MaxConstantIndex.Of(body, Mem);
        return E.Block(body.Type, [Mem, WriteOff, WriteVal, WriteOld, WriteTop, WriteTrail],
            E.Assign(Mem, E.Field(Mach, nameof(Machine.M))),
            E.IfThen(E.LessThanOrEqual(E.ArrayLength(Mem), E.Constant(max)), E.Throw(E.New(typeof(IndexOutOfRangeException)))),
            body);
    }

    // ------------------------------------------------------------------ memory

    public E Read(E offset) => E.ArrayIndex(Mem, offset);
    public E Read(int offset) => E.ArrayIndex(Mem, E.Constant(offset));
    public E Cell(E offset) => E.ArrayAccess(Mem, offset);
    public E Cell(int offset) => E.ArrayAccess(Mem, E.Constant(offset));

    public static E Offset(IlLoc loc) => loc.Dyn is null ? E.Constant(loc.Const) : loc.Const == 0 ? loc.Dyn : E.Add(loc.Dyn, E.Constant(loc.Const));

    /// The memory cell index of a local (frames are shared with the closures).
    public int Slot(LocalVar v) => _x.Slot(v);

    public int VarOffset(int varIndex) => (_old ? 0 : _spec.Layout.Slots) + _spec.Layout.VarOffsets[varIndex];

    /// Compiles <paramref name="body"/> with <paramref name="local"/> known to be
    /// <paramref name="value"/>, for a caller that writes the local's slot itself (an action's
    /// parameter).
    public E Knowing(LocalVar local, long value, Func<E> body) => Scoped(local.Id, null, value, body).Body;

    private T InOld<T>(Func<T> compile)
    {
        bool saved = _old;
        _old = true;
        try { return compile(); }
        finally { _old = saved; }
    }

    private static readonly MethodInfo KeyErrorMethod = typeof(Machine).GetMethod(nameof(Machine.KeyErrorAt))!;
    private static readonly MethodInfo ErrorMethod = typeof(Machine).GetMethod(nameof(Machine.ErrorAt))!;
    private static readonly MethodInfo FloorDivMethod = typeof(Checking.ConstEval).GetMethod(nameof(Checking.ConstEval.FloorDiv))!;
    private static readonly MethodInfo FloorModMethod = typeof(Checking.ConstEval).GetMethod(nameof(Checking.ConstEval.FloorMod))!;
    private static readonly MethodInfo PopCountMethod = typeof(BitOperations).GetMethod(nameof(BitOperations.PopCount), [typeof(ulong)])!;
    private static readonly MethodInfo SlotsEqualMethod = typeof(IlExprCompiler).GetMethod(nameof(SlotsEqual), BindingFlags.Static | BindingFlags.NonPublic)!;

    private static bool SlotsEqual(long[] mem, int a, int b, int width) => mem.AsSpan(a, width).SequenceEqual(mem.AsSpan(b, width));

    /// A run-time error at a source span, with a message built from the offending value.
    public E Throw(SourceSpan span, string format, E value) =>
        E.Throw(E.Call(Mach, ErrorMethod, E.Constant(_spec.AddCold((span, format))), value));

    private E KeyThrow(SourceSpan span, E key, Ty keyTy) =>
        E.Throw(E.Call(Mach, KeyErrorMethod, E.Constant(_spec.AddCold((span, keyTy))), key));

    /// An index into the spec's table of what compiled code needs only on cold paths.
    public int Cold(object o) => _spec.AddCold(o);

    public int PoolIndex(string pool) => _spec.PoolIndex(pool);

    // ------------------------------------------------------------------ fallback

    private E FallbackS(Expr e)
    {
        SpillAll();
        var f = _old ? _x.InOld(() => _x.S(e)) : _x.S(e);
        return E.Invoke(E.Constant(f), Mach);
    }

    private E FallbackC(Expr e)
    {
        SpillAll();
        var f = _old ? _x.InOld(() => _x.C(e)) : _x.C(e);
        return E.Invoke(E.Constant(f), Mach);
    }

    private static long Bit(long v) => 1L << (int)v;

    // ------------------------------------------------------------------ booleans

    /// A condition as a CLR bool (the language's booleans are 0/1 in slots).
    public E B(Expr e)
    {
        switch (e)
        {
            case EConst c: return E.Constant(c.Value != 0);
            case EUnary { Op: UnOp.Not } u: return E.Not(B(u.Operand));
            case EBinary b when BoolBinary(b) is { } r: return r;
            case EIf f when f.Type is BoolTy: return E.Condition(B(f.Cond), B(f.Then), B(f.Else));
            case ELet l when l.Type is BoolTy: return Let(l, () => B(l.Body));
            case EQuant q: return Quant(q);
            case EOld o: return InOld(() => B(o.Inner));
        }
        return E.NotEqual(S(e), E.Constant(0L));
    }

    private E? BoolBinary(EBinary b)
    {
        switch (b.Op)
        {
            case BinOp.And: return E.AndAlso(B(b.Left), B(b.Right));
            case BinOp.Or: return E.OrElse(B(b.Left), B(b.Right));
            case BinOp.Implies: return E.OrElse(E.Not(B(b.Left)), B(b.Right));
            case BinOp.Iff: return E.Equal(B(b.Left), B(b.Right));
            case BinOp.Lt: return E.LessThan(S(b.Left), S(b.Right));
            case BinOp.Le: return E.LessThanOrEqual(S(b.Left), S(b.Right));
            case BinOp.Gt: return E.GreaterThan(S(b.Left), S(b.Right));
            case BinOp.Ge: return E.GreaterThanOrEqual(S(b.Left), S(b.Right));
            case BinOp.Eq or BinOp.Ne:
            {
                bool eq = b.Op == BinOp.Eq;
                if (TypeOps.IsScalar(b.Left.Type) && TypeOps.IsScalar(b.Right.Type))
                    return eq ? E.Equal(S(b.Left), S(b.Right)) : E.NotEqual(S(b.Left), S(b.Right));
                if (!TypeOps.IsScalar(b.Left.Type) && !TypeOps.IsScalar(b.Right.Type))
                {
                    var same = E.Call(SlotsEqualMethod, Mem, C(b.Left), C(b.Right), E.Constant(TypeOps.Width(b.Left.Type)));
                    return eq ? same : E.Not(same);
                }
                return null;
            }
            case BinOp.In or BinOp.NotIn:
            {
                var v = E.Variable(typeof(long), "elem");
                var inSet = E.AndAlso(
                    E.LessThanOrEqual(E.Convert(v, typeof(ulong)), E.Constant(63UL)),
                    E.NotEqual(E.And(E.RightShift(S(b.Right), E.Convert(v, typeof(int))), E.Constant(1L)), E.Constant(0L)));
                var test = E.Block(typeof(bool), [v], E.Assign(v, S(b.Left)), inSet);
                return b.Op == BinOp.In ? test : E.Not(test);
            }
            case BinOp.SubsetEq:
                return E.Equal(E.And(S(b.Left), E.Not(S(b.Right))), E.Constant(0L));
        }
        return null;
    }

    private E Bool(E condition) => E.Condition(condition, E.Constant(1L), E.Constant(0L));

    // ------------------------------------------------------------------ scalars

    public E S(Expr e)
    {
        switch (e)
        {
            case EConst c: return E.Constant(c.Value);
            case ELocal l when _known.TryGetValue(l.Local.Id, out long v): return E.Constant(v);
            case ELocal l when _regs.TryGetValue(l.Local.Id, out var r): return r;
            case EVar or ELocal or EIndex or EField: return Read(Offset(L(e)));
            case EOptionValue ov when TypeOps.IsScalar(ov.Target.Type):
            {
                var v = E.Variable(typeof(long), "opt");
                return E.Block(typeof(long), [v],
                    E.Assign(v, S(ov.Target)),
                    E.IfThen(E.Equal(v, E.Constant(TypeOps.NoneValue)), Throw(ov.Span, "'.value' of none", v)),
                    v);
            }
            case EOptionValue: return Read(Offset(L(e)));
            case EOld o: return InOld(() => S(o.Inner));
            case EUnary { Op: UnOp.Not } u: return Bool(E.Not(B(u.Operand)));
            case EUnary u: return E.NegateChecked(S(u.Operand));
            case EBinary b: return Binary(b);
            case EIf f: return E.Condition(B(f.Cond), S(f.Then), S(f.Else));
            case ELet l: return Let(l, () => S(l.Body));
            case EQuant q: return Bool(Quant(q));
            case ESetLit sl when sl.Items.All(i => i is EConst { Value: >= 0 and <= 63 }):
                return E.Constant(sl.Items.Aggregate(0L, (acc, i) => acc | Bit(((EConst)i).Value)));
            case ESetLit sl:
            {
                E acc = E.Constant(0L);
                foreach (var item in sl.Items) acc = E.Or(acc, BitOf(S(item), item.Span));
                return acc;
            }
            case ESetFilter f: return SetFilter(f, Domain(f.Domain));
            case ESetMap sm: return SetMap(sm, Domain(sm.Domain));
            case ECall { Fn: Builtin.Card } c: return E.Convert(E.Call(PopCountMethod, E.Convert(S(c.Args[0]), typeof(ulong))), typeof(long));
            case ECall { Fn: Builtin.Len } c: return Read(C(c.Args[0]));
            case ETypeDomain td:
            {
                long n = TypeOps.DomainSize(td.Elem);
                long mask = n >= 64 ? -1L : (long)((1UL << (int)n) - 1);
                if (td.Elem is IntTy it && it.Lo != 0) mask = (long)((ulong)mask << (int)it.Lo);
                return E.Constant(mask);
            }
            case EFind f: return Find(f, Domain(f.Domain));
            case ESome s: return S(s.Value);
            case EDefCall d: return Inline(d, () => S(d.Def.Body));
            case EConvert cv: return ConvertScalar(cv);
        }
        return FallbackS(e);
    }

    private E Binary(EBinary b)
    {
        if (BoolBinary(b) is { } cond) return Bool(cond);
        switch (b.Op)
        {
            case BinOp.Add: return E.AddChecked(S(b.Left), S(b.Right));
            case BinOp.Sub: return E.SubtractChecked(S(b.Left), S(b.Right));
            case BinOp.Mul: return E.MultiplyChecked(S(b.Left), S(b.Right));
            case BinOp.Union: return E.Or(S(b.Left), S(b.Right));
            case BinOp.Inter: return E.And(S(b.Left), S(b.Right));
            case BinOp.Diff: return E.And(S(b.Left), E.Not(S(b.Right)));
            case BinOp.Div or BinOp.Mod:
            {
                var l = E.Variable(typeof(long), "l");
                var d = E.Variable(typeof(long), "d");
                string what = b.Op == BinOp.Div ? "division by zero" : "modulo by zero";
                // The divisor first, as the closures evaluate it (the first error wins).
                return E.Block(typeof(long), [l, d],
                    E.Assign(d, S(b.Right)),
                    E.IfThen(E.Equal(d, E.Constant(0L)), Throw(b.Span, what, d)),
                    E.Assign(l, S(b.Left)),
                    E.Call(b.Op == BinOp.Div ? FloorDivMethod : FloorModMethod, l, d));
            }
        }
        return FallbackS(b);
    }

    private E SetFilter(ESetFilter f, IlDomain domain)
    {
        if (domain is IlCount cd && cd.Count <= UnrollLimit && cd.First >= 0 && cd.First + cd.Count <= 64)
        {
            E acc = E.Constant(0L);
            for (long v = cd.First; v < cd.First + cd.Count; v++)
            {
                long value = v;
                var pred = Constant(f.Local, value, () => B(f.Pred));
                acc = E.Or(acc, E.Condition(pred, E.Constant(Bit(value)), E.Constant(0L)));
            }
            return acc;
        }
        if (domain is IlMask md)
            return Fold(md, f.Local, v => E.Condition(B(f.Pred), E.LeftShift(E.Constant(1L), E.Convert(v, typeof(int))), E.Constant(0L)));
        return FallbackS(f);
    }

    private E SetMap(ESetMap sm, IlDomain domain)
    {
        if (domain is IlRange) return FallbackS(sm);
        // The element is compiled inside the fold, where the bound variable is in scope.
        return Fold(domain, sm.Local, _ =>
        {
            var bit = BitOf(S(sm.Elem), sm.Elem.Span);
            return sm.Pred is null ? bit : E.Condition(B(sm.Pred), bit, E.Constant(0L));
        });
    }

    /// The first value satisfying the predicate, or none; a small fixed domain is unrolled.
    private E Find(EFind f, IlDomain domain)
    {
        if (domain is not IlCount cd || cd.Count > UnrollLimit) return FallbackS(f);
        E result = E.Constant(TypeOps.NoneValue);
        for (long v = cd.First + cd.Count - 1; v >= cd.First; v--)
        {
            long value = v;
            var pred = Constant(f.Local, value, () => B(f.Pred));
            result = E.Condition(pred, E.Constant(value), result);
        }
        return result;
    }

    /// The set {v}, or an error when v is not a set element.
    private E BitOf(E value, SourceSpan span)
    {
        var v = E.Variable(typeof(long), "elem");
        return E.Block(typeof(long), [v],
            E.Assign(v, value),
            E.IfThen(E.GreaterThan(E.Convert(v, typeof(ulong)), E.Constant(63UL)), Throw(span, "set element {0} is outside 0..63", v)),
            E.LeftShift(E.Constant(1L), E.Convert(v, typeof(int))));
    }

    /// The union over a domain of <paramref name="part"/>, with the local bound to each value.
    private E Fold(IlDomain domain, LocalVar local, Func<E, E> part)
    {
        var acc = E.Variable(typeof(long), "acc");
        var loop = ForEach(domain, v => Variable(local, (ParameterExpression)v, () => E.OrAssign(acc, part(v))));
        return E.Block(typeof(long), [acc], E.Assign(acc, E.Constant(0L)), loop, acc);
    }

    private E Quant(EQuant q)
    {
        if (Domain(q.Domain) is IlCount cd && cd.Count <= UnrollLimit)
        {
            E? all = null;
            for (long v = cd.First; v < cd.First + cd.Count; v++)
            {
                long value = v;
                var step = Constant(q.Local, value, () => B(q.Body));
                all = all is null ? step : q.Forall ? E.AndAlso(all, step) : E.OrElse(all, step);
            }
            return all ?? E.Constant(q.Forall);
        }
        // A loop: the answer is decided by the first element whose body differs from forall.
        var result = E.Variable(typeof(bool), "q");
        var done = E.Label("quant_done");
        var loop = ForEach(Domain(q.Domain), v => Variable(q.Local, (ParameterExpression)v, () =>
        {
            var bodyE = B(q.Body);
            return E.IfThen(q.Forall ? E.Not(bodyE) : bodyE, E.Block(E.Assign(result, E.Constant(!q.Forall)), E.Break(done)));
        }));
        return E.Block(typeof(bool), [result], E.Assign(result, E.Constant(q.Forall)), loop, E.Label(done), result);
    }

    /// A loop over a domain: <paramref name="body"/> receives the current value (a long) and
    /// may break to a label the caller places after the loop.
    public E ForEach(IlDomain d, Func<E, E> body)
    {
        var v = E.Variable(typeof(long), "v");
        var brk = E.Label("loop_end");
        switch (d)
        {
            case IlCount cd:
                return E.Block([v],
                    E.Assign(v, E.Constant(cd.First)),
                    E.Loop(E.Block(
                        E.IfThen(E.GreaterThanOrEqual(v, E.Constant(cd.First + cd.Count)), E.Break(brk)),
                        body(v),
                        E.PreIncrementAssign(v)), brk));
            case IlRange rd:
            {
                var hi = E.Variable(typeof(long), "hi");
                return E.Block([v, hi],
                    E.Assign(v, rd.Lo),
                    E.Assign(hi, rd.Hi),
                    E.Loop(E.Block(
                        E.IfThen(E.GreaterThan(v, hi), E.Break(brk)),
                        body(v),
                        E.PreIncrementAssign(v)), brk));
            }
            case IlMask md:
            {
                var bits = E.Variable(typeof(ulong), "bits");
                return E.Block([v, bits],
                    E.Assign(bits, E.Convert(md.Mask, typeof(ulong))),
                    E.Loop(E.Block(
                        E.IfThen(E.Equal(bits, E.Constant(0UL)), E.Break(brk)),
                        E.Assign(v, E.Convert(E.Call(TzcntMethod, bits), typeof(long))),
                        E.Assign(bits, E.And(bits, E.Subtract(bits, E.Constant(1UL)))),
                        body(v)), brk));
            }
        }
        throw new InvalidOperationException("domain");
    }

    private static readonly MethodInfo TzcntMethod = typeof(BitOperations).GetMethod(nameof(BitOperations.TrailingZeroCount), [typeof(ulong)])!;

    public IlDomain Domain(Expr d) => d switch
    {
        ETypeDomain td => new IlCount(td.Elem is IntTy it ? it.Lo : 0, TypeOps.DomainSize(td.Elem)),
        ERange r when r.Lo is EConst lo && r.Hi is EConst hi => new IlCount(lo.Value, Math.Max(0, hi.Value - lo.Value + 1)),
        ERange r => new IlRange(S(r.Lo), S(r.Hi)),
        _ => new IlMask(S(d)),
    };

    /// Inlines a definition: its arguments are evaluated in order (a scalar one into an IL
    /// variable, a constant one known while the body is compiled, a composite one copied to its
    /// parameter's slots), then its body is compiled in place.
    private E Inline(EDefCall d, Func<E> body) => Bound(d.Def.Params, d.Args, body);

    /// Compiles <paramref name="body"/> with each local bound to its value: a scalar one in an
    /// IL variable (or known, when the value is a constant), a composite one in its slots.
    /// Definition parameters, and statements' `let`s and procedure parameters (code compiled
    /// apart inside the scope reads them from their slots, see <see cref="Apart{T}"/>).
    /// <paramref name="slots"/>: how a local's slots are written when something reads them (a
    /// composite local, or a scalar one read by code compiled apart or by a closure): directly
    /// by default; statements in a scope that makes a choice write them with the trail.
    public E Bound(IReadOnlyList<LocalVar> ps, IReadOnlyList<Expr> args, Func<E> body, ISlotWriter? slots = null)
    {
        var binds = new List<E>();
        var vars = new List<ParameterExpression>();
        var bound = new List<(LocalVar Local, long? Value, ParameterExpression? Reg)>();
        // Every argument is evaluated before any parameter is bound: an argument may mention a
        // local of the same name bound outside.
        for (int i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            if (!TypeOps.IsScalar(p.Type)) binds.Add(slots is null ? BindLocal(p, args[i]) : slots.Bind(p, args[i]));
            else if (ConstantOf(args[i]) is { } c) bound.Add((p, c, null));
            else
            {
                var reg = E.Variable(typeof(long), p.Name);
                vars.Add(reg);
                binds.Add(E.Assign(reg, S(args[i])));
                bound.Add((p, null, reg));
            }
        }
        E Compile(int i)
        {
            if (i == bound.Count) return body();
            var (local, value, reg) = bound[i];
            return value is { } v ? Constant(local, v, () => Compile(i + 1), slots) : Variable(local, reg!, () => Compile(i + 1), slots);
        }
        var result = Compile(0);
        binds.Add(result);
        return E.Block(result.Type, vars, binds);
    }

    /// A scalar `let` in an expression binds an IL variable; a composite one its slots.
    private E Let(ELet l, Func<E> body)
    {
        if (!TypeOps.IsScalar(l.Local.Type)) return E.Block(BindLocal(l.Local, l.Value), body());
        var reg = E.Variable(typeof(long), l.Local.Name);
        var value = S(l.Value);
        var inner = Variable(l.Local, reg, body);
        return E.Block(inner.Type, [reg], E.Assign(reg, value), inner);
    }

    /// Compiles <paramref name="body"/> with a scalar local held in an IL variable or known as a
    /// constant (a loop's or chosen variable, an allocated object).
    public E WithLocal(LocalVar local, E value, Func<E> body, ISlotWriter? slots = null) => value switch
    {
        ConstantExpression { Value: long c } => Constant(local, c, body, slots),
        ParameterExpression reg => Variable(local, reg, body, slots),
        _ => throw new ArgumentException("a local is held in an IL variable or known as a constant", nameof(value)),
    };

    /// Compiles <paramref name="body"/> with a scalar local held in <paramref name="reg"/>.
    private E Variable(LocalVar local, ParameterExpression reg, Func<E> body, ISlotWriter? slots = null) =>
        WithSlot(local, reg, Scoped(local.Id, reg, 0, body), slots);

    /// Compiles <paramref name="body"/> with a scalar local known to be a constant.
    private E Constant(LocalVar local, long value, Func<E> body, ISlotWriter? slots = null) =>
        WithSlot(local, E.Constant(value), Scoped(local.Id, null, value, body), slots);

    // The local's slot is written as well when the body read the slot (it spilled).
    private E WithSlot(LocalVar local, E value, (E Body, bool Spilled) r, ISlotWriter? slots) =>
        r.Spilled ? E.Block(r.Body.Type, slots is null ? E.Assign(Cell(Slot(local)), value) : slots.Write(Slot(local), value), r.Body) : r.Body;

    /// Compiles code apart (a delegate of its own), which cannot see this method's IL
    /// variables: there every local held in one (or known) is read from its slot, and those
    /// it reads spill (their bindings write their slots).
    public T Apart<T>(Func<T> compile)
    {
        if (_regs.Count == 0 && _known.Count == 0 && _hidden.Count == 0) return compile();
        var regs = new Dictionary<int, ParameterExpression>(_regs);
        var known = new Dictionary<int, long>(_known);
        var spilled = new HashSet<int>(_spilled);
        var (outerHidden, outerRead) = (_hidden, _hiddenRead);
        _hidden = new HashSet<int>(outerHidden);
        _hidden.UnionWith(regs.Keys);
        _hidden.UnionWith(known.Keys);
        _hiddenRead = new HashSet<int>();
        _regs.Clear();
        _known.Clear();
        _spilled.Clear();
        try { return compile(); }
        finally
        {
            var read = _hiddenRead;
            (_hidden, _hiddenRead) = (outerHidden, outerRead);
            _regs.Clear();
            _known.Clear();
            _spilled.Clear();
            foreach (var (id, r) in regs) _regs[id] = r;
            foreach (var (id, v) in known) _known[id] = v;
            _spilled.UnionWith(spilled);
            foreach (int id in read)
            {
                if (regs.ContainsKey(id) || known.ContainsKey(id)) _spilled.Add(id);
                else _hiddenRead.Add(id);
            }
        }
    }

    // The locals bound in the methods that enclose code being compiled apart, and those of
    // them that code read (from their slots).
    private HashSet<int> _hidden = new();
    private HashSet<int> _hiddenRead = new();

    /// Compiles <paramref name="body"/> with local <paramref name="id"/> in <paramref name="reg"/>
    /// (or, without one, known to be <paramref name="value"/>), restoring any outer binding of
    /// the same local afterwards; also says whether the body read the local's slot.
    private (E Body, bool Spilled) Scoped(int id, ParameterExpression? reg, long value, Func<E> body)
    {
        bool outerReg = _regs.Remove(id, out var outerRegister);
        bool outerKnown = _known.Remove(id, out long outerValue);
        bool outerSpilled = _spilled.Remove(id);
        if (reg is not null) _regs[id] = reg;
        else _known[id] = value;
        try
        {
            var b = body();
            return (b, _spilled.Contains(id));
        }
        finally
        {
            _regs.Remove(id);
            _known.Remove(id);
            _spilled.Remove(id);
            if (outerReg) _regs[id] = outerRegister!;
            if (outerKnown) _known[id] = outerValue;
            if (outerSpilled) _spilled.Add(id);
        }
    }

    private void Spill(int id)
    {
        if (_regs.ContainsKey(id) || _known.ContainsKey(id)) _spilled.Add(id);
        else if (_hidden.Contains(id)) _hiddenRead.Add(id);
    }

    // A closure reads every local from its slot.
    private void SpillAll()
    {
        foreach (int id in _regs.Keys) _spilled.Add(id);
        foreach (int id in _known.Keys) _spilled.Add(id);
        _hiddenRead.UnionWith(_hidden);
    }

    private long? ConstantOf(Expr e) => e switch
    {
        EConst c => c.Value,
        ELocal l when _known.TryGetValue(l.Local.Id, out long v) => v,
        _ => null,
    };

    /// Evaluates a value into a local's slots (expression binders write directly, no trail).
    public E BindLocal(LocalVar local, Expr value)
    {
        int slot = Slot(local);
        if (TypeOps.IsScalar(local.Type)) return E.Assign(Cell(slot), S(value));
        return CopySlots(C(value), E.Constant(slot), TypeOps.Width(local.Type));
    }

    /// Copies <paramref name="width"/> cells (direct writes: temporaries and frames).
    public E CopySlots(E src, E dst, int width)
    {
        var s = E.Variable(typeof(int), "src");
        var t = E.Variable(typeof(int), "dst");
        var body = new List<E> { E.Assign(s, src), E.Assign(t, dst) };
        for (int i = 0; i < width; i++)
            body.Add(E.Assign(Cell(E.Add(t, E.Constant(i))), Read(E.Add(s, E.Constant(i)))));
        body.Add(E.Empty());
        return E.Block(typeof(void), [s, t], body);
    }

    private E ConvertScalar(EConvert cv)
    {
        var v = E.Variable(typeof(long), "conv");
        E Checked(E bad, string format) => E.Block(typeof(long), [v], E.Assign(v, S(cv.Value)), E.IfThen(bad, Throw(cv.Span, format, v)), v);
        switch (cv.Type)
        {
            case IntTy t when cv.Value.Type is IntTy:
                return Checked(E.OrElse(E.LessThan(v, E.Constant(t.Lo)), E.GreaterThan(v, E.Constant(t.Hi))), $"value {{0}} is outside the range {t.Lo}..{t.Hi}");
            case OptionTy { Inner: IntTy t }:
                return Checked(E.AndAlso(E.NotEqual(v, E.Constant(TypeOps.NoneValue)), E.OrElse(E.LessThan(v, E.Constant(t.Lo)), E.GreaterThan(v, E.Constant(t.Hi)))),
                    $"value {{0}} is outside the range {t.Lo}..{t.Hi}");
            case SetTy { Elem: IntTy }:
                return FallbackS(cv);
            default:
                return S(cv.Value);
        }
    }

    // ------------------------------------------------------------------ composites

    /// The offset (an int) of the first slot of a composite value.
    public E C(Expr e)
    {
        switch (e)
        {
            case EVar or ELocal or EIndex or EField or EOptionValue: return Offset(L(e));
            case EOld o: return InOld(() => C(o.Inner));
            case EIf f: return E.Condition(B(f.Cond), C(f.Then), C(f.Else));
            case ELet l: return Let(l, () => C(l.Body));
            case ERecord r:
            {
                int tmp = _x.Alloc(TypeOps.Width(r.Type));
                var parts = new List<E>();
                int off = 0;
                foreach (var f in r.Fields)
                {
                    parts.Add(WriteInto(tmp + off, f));
                    off += TypeOps.Width(f.Type);
                }
                parts.Add(E.Constant(tmp));
                return E.Block(typeof(int), parts);
            }
            case ESome s:
            {
                int tmp = _x.Alloc(TypeOps.Width(s.Type));
                return E.Block(typeof(int), E.Assign(Cell(tmp), E.Constant(1L)), WriteInto(tmp + 1, s.Value), E.Constant(tmp));
            }
            case ENone n:
            {
                int tmp = _x.Alloc(TypeOps.Width(n.Type));
                var defaults = StateLayout.DefaultSlots(n.Type);
                var parts = defaults.Select((v, i) => (E)E.Assign(Cell(tmp + i), E.Constant(v))).ToList();
                parts.Add(E.Constant(tmp));
                return E.Block(typeof(int), parts);
            }
            case EDefCall d:
            {
                int width = TypeOps.Width(d.Type);
                int tmp = _x.Alloc(width);
                // Copied out: the body may leave its value in a parameter's slot, which a second
                // call of the same definition in the same expression would overwrite.
                return Inline(d, () => E.Block(typeof(int), CopySlots(C(d.Def.Body), E.Constant(tmp), width), E.Constant(tmp)));
            }
        }
        return FallbackC(e);
    }

    private E WriteInto(int at, Expr e)
    {
        if (TypeOps.IsScalar(e.Type)) return E.Assign(Cell(at), S(e));
        return CopySlots(C(e), E.Constant(at), TypeOps.Width(e.Type));
    }

    // ------------------------------------------------------------------ locations

    public IlLoc L(Expr e)
    {
        switch (e)
        {
            case EVar v: return new IlLoc(VarOffset(v.Index), null);
            case ELocal l:
                Spill(l.Local.Id);
                return new IlLoc(Slot(l.Local), null);
            case EOld o: return InOld(() => L(o.Inner));
            case EField f:
            {
                var rt = (RecordTy)f.Target.Type;
                int off = rt.Fields.Take(f.Field).Sum(x => TypeOps.Width(x.Type));
                var t = L(f.Target);
                return t with { Const = t.Const + off };
            }
            case EIndex ix when ix.Target.Type is MapTy mt:
            {
                var target = L(ix.Target);
                long n = TypeOps.KeyCount(mt.Key);
                long lo = mt.Key is IntTy it ? it.Lo : 0;
                int stride = TypeOps.Width(mt.Value);
                if (ConstantOf(ix.Key) is { } kc && kc - lo >= 0 && kc - lo < n)
                    return target with { Const = target.Const + (int)(kc - lo) * stride };
                var k = E.Variable(typeof(long), "key");
                var index = E.Block(typeof(int), [k],
                    E.Assign(k, lo == 0 ? S(ix.Key) : E.Subtract(S(ix.Key), E.Constant(lo))),
                    E.IfThen(E.GreaterThanOrEqual(E.Convert(k, typeof(ulong)), E.Constant((ulong)n)), KeyThrow(ix.Key.Span, E.Add(k, E.Constant(lo)), mt.Key)),
                    E.Multiply(E.Convert(k, typeof(int)), E.Constant(stride)));
                E dyn = target.Dyn is null ? index : E.Add(target.Dyn, index);
                return new IlLoc(target.Const, dyn);
            }
        }
        return new IlLoc(0, C0(e));
    }

    // Locations of other forms come from the closures (sequence indexing, `.value` of a
    // composite option, temporaries of composite expressions).
    private E C0(Expr e) => e switch
    {
        EIndex or EOptionValue => FallbackC(e),
        _ => C(e),
    };
}

/// Where a value lives: the constant offset plus, when set, a run-time part (an int).
internal readonly record struct IlLoc(int Const, E? Dyn);

internal abstract record IlDomain;
internal sealed record IlCount(long First, long Count) : IlDomain;
internal sealed record IlRange(E Lo, E Hi) : IlDomain;
internal sealed record IlMask(E Mask) : IlDomain;

/// How a statement writes a local's slots when something reads the local there (with the
/// trail in a scope that makes a choice).
internal interface ISlotWriter
{
    E Write(int slot, E value);

    E Bind(LocalVar local, Expr value);
}
