using System.Numerics;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// A compiled scalar expression: returns the value.
public delegate long SFn(Machine m);

/// A compiled composite expression: returns the offset of the value's first slot in m.M.
public delegate int CFn(Machine m);

/// Where a value lives: <see cref="Dyn"/>(m) + <see cref="Const"/>, or just the constant when
/// there is no run-time part. Field offsets fold into the constant, so `vma[v].start` costs one
/// call, not one per path step.
internal readonly record struct Loc(int Const, CFn? Dyn)
{
    public static Loc At(int offset) => new(offset, null);
    public static Loc Of(CFn f) => new(0, f);

    /// Set when <see cref="Dyn"/> is "a state map at a fixed offset indexed by a local", so that
    /// readers and writers can do the indexing themselves, without calling <see cref="Dyn"/>.
    public Indexed? ByLocal { get; init; }

    public Loc Plus(int delta) => this with { Const = Const + delta };

    /// The offset of entry (local - Lo) of a map whose first entry is at Base, with Count
    /// entries of Stride slots; a key outside the map is a run-time error.
    internal sealed record Indexed(int Base, int KeySlot, long Lo, long Count, int Stride, SourceSpan KeySpan, Ty KeyTy);

    public CFn AsFn()
    {
        int c = Const;
        if (Dyn is not { } d) return _ => c;
        if (c == 0) return d;
        return m => d(m) + c;
    }
}

/// How a binder ranges over its domain: bits of a mask, an integer interval, or a whole type.
internal abstract record DomainPlan;
internal sealed record MaskDomain(SFn Mask) : DomainPlan;
internal sealed record RangeDomain(SFn Lo, SFn Hi) : DomainPlan;
internal sealed record CountDomain(long First, long Count) : DomainPlan;

/// Compiles typed expressions into closures over <see cref="Machine.M"/>. Each composite node
/// gets its own temporary slots at compile time (the language has no recursion, so a node's
/// result is always consumed before the node runs again; calls of shared definitions copy their
/// result into a per-call temporary).
internal sealed class ExprCompiler
{
    private readonly CompiledSpec _spec;
    private readonly Dictionary<int, int> _localSlots = new();
    private readonly Dictionary<(DefIr, int), (SFn? S, CFn? C)> _defs = new();
    private int _base;

    public ExprCompiler(CompiledSpec spec)
    {
        _spec = spec;
        _base = spec.Layout.Slots;
    }

    public int ScratchTop { get; private set; }

    /// Reserves slots after the two state regions (frames and temporaries share this area).
    public int Alloc(int width)
    {
        int at = 2 * _spec.Layout.Slots + ScratchTop;
        ScratchTop += Math.Max(1, width);
        return at;
    }

    public int PoolIndex(string pool) => _spec.PoolIndex(pool);

    public int Slot(LocalVar v)
    {
        if (!_localSlots.TryGetValue(v.Id, out var s))
        {
            s = Alloc(TypeOps.Width(v.Type));
            _localSlots[v.Id] = s;
        }
        return s;
    }

    public int VarOffset(int varIndex) => _base + _spec.Layout.VarOffsets[varIndex];

    public static EvalError Error(SourceSpan span, string message) => new(span, message);

    // ------------------------------------------------------------------ scalars

    public SFn S(Expr e)
    {
        switch (e)
        {
            case EConst c:
            {
                long v = c.Value;
                return _ => v;
            }
            case EVar or ELocal or EIndex or EField:
            {
                var loc = L(e);
                if (loc.Dyn is null)
                {
                    int c = loc.Const;
                    return m => m.M[c];
                }
                if (loc.ByLocal is { } ix)
                {
                    int b = ix.Base + loc.Const, ks = ix.KeySlot, stride = ix.Stride;
                    long lo = ix.Lo, n = ix.Count;
                    var span = ix.KeySpan;
                    var ty = ix.KeyTy;
                    return m =>
                    {
                        long k = m.M[ks] - lo;
                        if ((ulong)k >= (ulong)n) throw KeyError(span, k + lo, ty);
                        return m.M[b + (int)k * stride];
                    };
                }
                var d = loc.Dyn;
                int off = loc.Const;
                if (off == 0) return m => m.M[d(m)];
                return m => m.M[d(m) + off];
            }
            case EOptionValue ov: return OptionValue(ov);
            case EOld o: return InOld(() => S(o.Inner));
            case EUnary u:
            {
                var x = S(u.Operand);
                if (u.Op == UnOp.Not) return m => x(m) == 0 ? 1 : 0;
                return m => checked(-x(m));
            }
            case EBinary b: return Binary(b);
            case ESeqContains sc: return SeqContains(sc);
            case EIf f:
            {
                var c = S(f.Cond);
                var t = S(f.Then);
                var el = S(f.Else);
                return m => c(m) != 0 ? t(m) : el(m);
            }
            case ELet l:
            {
                var bind = BindLocal(l.Local, l.Value);
                var body = S(l.Body);
                return m => { bind(m); return body(m); };
            }
            case EQuant q: return Quant(q);
            case ESetLit sl:
            {
                var items = sl.Items.Select(S).ToArray();
                var spans = sl.Items.Select(i => i.Span).ToArray();
                return m =>
                {
                    long mask = 0;
                    for (int i = 0; i < items.Length; i++) mask |= Bit(items[i](m), spans[i]);
                    return mask;
                };
            }
            case ESetFilter f:
            {
                int slot = Slot(f.Local);
                var pred = S(f.Pred);
                return Iterate(Domain(f.Domain), (m, v, acc) => { m.M[slot] = v; return pred(m) != 0 ? acc | (1L << (int)v) : acc; }, f.Span);
            }
            case ESetMap sm:
            {
                int slot = Slot(sm.Local);
                var pred = sm.Pred is null ? null : S(sm.Pred);
                var elem = S(sm.Elem);
                var span = sm.Elem.Span;
                return Iterate(Domain(sm.Domain), (m, v, acc) =>
                {
                    m.M[slot] = v;
                    return pred is not null && pred(m) == 0 ? acc : acc | Bit(elem(m), span);
                }, null);
            }
            case ECall c: return CallScalar(c);
            case ERange r:
            {
                var lo = S(r.Lo);
                var hi = S(r.Hi);
                var span = r.Span;
                return m =>
                {
                    long a = lo(m), z = hi(m);
                    if (a > z) return 0;
                    if (a < 0 || z > 63) throw Error(span, $"the set {a}..{z} does not fit 0..63");
                    return (long)(((z == 63 ? ulong.MaxValue : (1UL << (int)(z + 1)) - 1)) & ~((1UL << (int)a) - 1));
                };
            }
            case ETypeDomain td:
            {
                long n = TypeOps.DomainSize(td.Elem);
                long mask = n >= 64 ? -1L : (long)((1UL << (int)n) - 1);
                if (td.Elem is IntTy it && it.Lo != 0) mask = (long)((ulong)mask << (int)it.Lo);
                return _ => mask;
            }
            case EFind f:
            {
                int slot = Slot(f.Local);
                var pred = S(f.Pred);
                return FindIn(Domain(f.Domain), slot, pred);
            }
            case ESome s: return S(s.Value);
            case EDefCall d: return DefScalar(d);
            case EConvert cv: return ConvertScalar(cv);
        }
        throw new InvalidOperationException($"no scalar compilation for {e.GetType().Name}");
    }

    internal T InOld<T>(Func<T> compile)
    {
        int saved = _base;
        _base = 0;
        try { return compile(); }
        finally { _base = saved; }
    }

    private static long Bit(long v, SourceSpan span)
    {
        if ((ulong)v > 63) throw Error(span, $"set element {v} is outside 0..63");
        return 1L << (int)v;
    }

    private SFn OptionValue(EOptionValue ov)
    {
        var span = ov.Span;
        if (TypeOps.IsScalar(ov.Target.Type))
        {
            var t = S(ov.Target);
            return m =>
            {
                long v = t(m);
                if (v == TypeOps.NoneValue) throw Error(span, "'.value' of none");
                return v;
            };
        }
        var loc = L(ov);
        var d = loc.AsFn();
        return m => m.M[d(m)];
    }

    private SFn Binary(EBinary b)
    {
        var l = b.Op is BinOp.Eq or BinOp.Ne && !TypeOps.IsScalar(b.Left.Type) ? null : S(b.Left);
        var r = b.Op is BinOp.Eq or BinOp.Ne && !TypeOps.IsScalar(b.Right.Type) ? null : S(b.Right);
        var span = b.Span;
        switch (b.Op)
        {
            case BinOp.Add: return m => checked(l!(m) + r!(m));
            case BinOp.Sub: return m => checked(l!(m) - r!(m));
            case BinOp.Mul: return m => checked(l!(m) * r!(m));
            case BinOp.Div:
                return m =>
                {
                    long d = r!(m);
                    if (d == 0) throw Error(span, "division by zero");
                    return Checking.ConstEval.FloorDiv(l!(m), d);
                };
            case BinOp.Mod:
                return m =>
                {
                    long d = r!(m);
                    if (d == 0) throw Error(span, "modulo by zero");
                    return Checking.ConstEval.FloorMod(l!(m), d);
                };
            case BinOp.Lt: return m => l!(m) < r!(m) ? 1 : 0;
            case BinOp.Le: return m => l!(m) <= r!(m) ? 1 : 0;
            case BinOp.Gt: return m => l!(m) > r!(m) ? 1 : 0;
            case BinOp.Ge: return m => l!(m) >= r!(m) ? 1 : 0;
            case BinOp.And: return m => l!(m) != 0 && r!(m) != 0 ? 1 : 0;
            case BinOp.Or: return m => l!(m) != 0 || r!(m) != 0 ? 1 : 0;
            case BinOp.Implies: return m => l!(m) == 0 || r!(m) != 0 ? 1 : 0;
            case BinOp.Iff: return m => (l!(m) != 0) == (r!(m) != 0) ? 1 : 0;
            case BinOp.Eq or BinOp.Ne:
            {
                bool eq = b.Op == BinOp.Eq;
                if (l is not null && r is not null) return eq ? m => l(m) == r(m) ? 1 : 0 : m => l(m) != r(m) ? 1 : 0;
                var lc = C(b.Left);
                var rc = C(b.Right);
                int w = TypeOps.Width(b.Left.Type);
                return m =>
                {
                    bool same = m.M.AsSpan(lc(m), w).SequenceEqual(m.M.AsSpan(rc(m), w));
                    return same == eq ? 1 : 0;
                };
            }
            case BinOp.In: return m => { long v = l!(m); return (ulong)v <= 63 && ((r!(m) >> (int)v) & 1) != 0 ? 1 : 0; };
            case BinOp.NotIn: return m => { long v = l!(m); return (ulong)v <= 63 && ((r!(m) >> (int)v) & 1) != 0 ? 0 : 1; };
            case BinOp.SubsetEq: return m => (l!(m) & ~r!(m)) == 0 ? 1 : 0;
            case BinOp.Union: return m => l!(m) | r!(m);
            case BinOp.Inter: return m => l!(m) & r!(m);
            case BinOp.Diff: return m => l!(m) & ~r!(m);
        }
        throw new InvalidOperationException($"operator {b.Op}");
    }

    private SFn SeqContains(ESeqContains sc)
    {
        var seq = C(sc.Seq);
        var st = (SeqTy)sc.Seq.Type;
        int w = TypeOps.Width(st.Elem);
        bool neg = sc.Negated;
        if (TypeOps.IsScalar(st.Elem))
        {
            var x = S(sc.Elem);
            return m =>
            {
                int b = seq(m);
                long v = x(m);
                long len = m.M[b];
                for (int i = 0; i < len; i++)
                    if (m.M[b + 1 + i] == v) return neg ? 0 : 1;
                return neg ? 1 : 0;
            };
        }
        var xc = C(sc.Elem);
        return m =>
        {
            int b = seq(m);
            int xo = xc(m);
            long len = m.M[b];
            for (int i = 0; i < len; i++)
                if (m.M.AsSpan(b + 1 + i * w, w).SequenceEqual(m.M.AsSpan(xo, w))) return neg ? 0 : 1;
            return neg ? 1 : 0;
        };
    }

    private SFn Quant(EQuant q)
    {
        int slot = Slot(q.Local);
        var body = S(q.Body);
        bool forall = q.Forall;
        switch (Domain(q.Domain))
        {
            case CountDomain cd:
            {
                long first = cd.First, end = cd.First + cd.Count;
                if (forall)
                    return m =>
                    {
                        for (long v = first; v < end; v++) { m.M[slot] = v; if (body(m) == 0) return 0; }
                        return 1;
                    };
                return m =>
                {
                    for (long v = first; v < end; v++) { m.M[slot] = v; if (body(m) != 0) return 1; }
                    return 0;
                };
            }
            case RangeDomain rd:
            {
                var lo = rd.Lo;
                var hi = rd.Hi;
                return m =>
                {
                    long a = lo(m), z = hi(m);
                    for (long v = a; v <= z; v++)
                    {
                        m.M[slot] = v;
                        if ((body(m) != 0) != forall) return forall ? 0 : 1;
                    }
                    return forall ? 1 : 0;
                };
            }
            case MaskDomain md:
            {
                var mask = md.Mask;
                return m =>
                {
                    ulong bits = (ulong)mask(m);
                    while (bits != 0)
                    {
                        int v = BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        m.M[slot] = v;
                        if ((body(m) != 0) != forall) return forall ? 0 : 1;
                    }
                    return forall ? 1 : 0;
                };
            }
        }
        throw new InvalidOperationException("domain");
    }

    private delegate long Fold(Machine m, long value, long acc);

    private static SFn Iterate(DomainPlan plan, Fold step, SourceSpan? elemSpan)
    {
        switch (plan)
        {
            case CountDomain cd:
            {
                long first = cd.First, end = cd.First + cd.Count;
                return m => { long acc = 0; for (long v = first; v < end; v++) acc = step(m, v, acc); return acc; };
            }
            case RangeDomain rd:
            {
                var lo = rd.Lo;
                var hi = rd.Hi;
                var span = elemSpan ?? SourceSpan.None;
                return m =>
                {
                    long acc = 0, a = lo(m), z = hi(m);
                    for (long v = a; v <= z; v++)
                    {
                        if (elemSpan is not null && (ulong)v > 63) throw Error(span, $"set element {v} is outside 0..63");
                        acc = step(m, v, acc);
                    }
                    return acc;
                };
            }
            case MaskDomain md:
            {
                var mask = md.Mask;
                return m =>
                {
                    ulong bits = (ulong)mask(m);
                    long acc = 0;
                    while (bits != 0)
                    {
                        int v = BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        acc = step(m, v, acc);
                    }
                    return acc;
                };
            }
        }
        throw new InvalidOperationException("domain");
    }

    private static SFn FindIn(DomainPlan plan, int slot, SFn pred)
    {
        switch (plan)
        {
            case CountDomain cd:
            {
                long first = cd.First, end = cd.First + cd.Count;
                return m =>
                {
                    for (long v = first; v < end; v++) { m.M[slot] = v; if (pred(m) != 0) return v; }
                    return TypeOps.NoneValue;
                };
            }
            case RangeDomain rd:
            {
                var lo = rd.Lo;
                var hi = rd.Hi;
                return m =>
                {
                    long a = lo(m), z = hi(m);
                    for (long v = a; v <= z; v++) { m.M[slot] = v; if (pred(m) != 0) return v; }
                    return TypeOps.NoneValue;
                };
            }
            case MaskDomain md:
            {
                var mask = md.Mask;
                return m =>
                {
                    ulong bits = (ulong)mask(m);
                    while (bits != 0)
                    {
                        int v = BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        m.M[slot] = v;
                        if (pred(m) != 0) return v;
                    }
                    return TypeOps.NoneValue;
                };
            }
        }
        throw new InvalidOperationException("domain");
    }

    public DomainPlan Domain(Expr d) => d switch
    {
        ETypeDomain td => new CountDomain(td.Elem is IntTy it ? it.Lo : 0, TypeOps.DomainSize(td.Elem)),
        ERange r when r.Lo is EConst lo && r.Hi is EConst hi => new CountDomain(lo.Value, Math.Max(0, hi.Value - lo.Value + 1)),
        ERange r => new RangeDomain(S(r.Lo), S(r.Hi)),
        _ => new MaskDomain(S(d)),
    };

    private SFn CallScalar(ECall c)
    {
        var span = c.Span;
        switch (c.Fn)
        {
            case Builtin.Card:
            {
                var s = S(c.Args[0]);
                return m => BitOperations.PopCount((ulong)s(m));
            }
            case Builtin.Len:
            {
                var q = C(c.Args[0]);
                return m => m.M[q(m)];
            }
            case Builtin.Head or Builtin.Last:
            {
                var q = C(c.Args[0]);
                int w = TypeOps.Width(((SeqTy)c.Args[0].Type).Elem);
                bool last = c.Fn == Builtin.Last;
                string name = last ? "last" : "head";
                return m =>
                {
                    int b = q(m);
                    long len = m.M[b];
                    if (len == 0) throw Error(span, $"{name} of an empty sequence");
                    return m.M[b + 1 + (last ? (int)(len - 1) * w : 0)];
                };
            }
            case Builtin.Min or Builtin.Max:
            {
                var s = S(c.Args[0]);
                bool min = c.Fn == Builtin.Min;
                return m =>
                {
                    ulong v = (ulong)s(m);
                    if (v == 0) throw Error(span, $"{(min ? "min" : "max")} of an empty set");
                    return min ? BitOperations.TrailingZeroCount(v) : 63 - BitOperations.LeadingZeroCount(v);
                };
            }
        }
        throw new InvalidOperationException($"builtin {c.Fn} is not scalar");
    }

    private SFn DefScalar(EDefCall d)
    {
        var bind = BindArgs(d.Def.Params, d.Args);
        var key = (d.Def, _base);
        if (!_defs.TryGetValue(key, out var compiled) || compiled.S is null)
        {
            compiled = (S(d.Def.Body), compiled.C);
            _defs[key] = compiled;
        }
        var body = compiled.S!;
        if (bind is null) return body;
        return m => { bind(m); return body(m); };
    }

    private Action<Machine>? BindArgs(IReadOnlyList<LocalVar> ps, IReadOnlyList<Expr> args)
    {
        if (ps.Count == 0) return null;
        var binds = ps.Zip(args).Select(p => BindLocal(p.First, p.Second)).ToArray();
        // Arguments are computed first and bound afterwards, so an argument may mention the
        // same definition's parameters of an enclosing call without seeing them change.
        if (binds.Length == 1) return binds[0];
        return m => { foreach (var b in binds) b(m); };
    }

    /// Evaluates a value into a local's frame slots (direct writes: expression-level binders need
    /// no undo).
    public Action<Machine> BindLocal(LocalVar local, Expr value)
    {
        int slot = Slot(local);
        if (TypeOps.IsScalar(local.Type))
        {
            var v = S(value);
            return m => m.M[slot] = v(m);
        }
        var c = C(value);
        int w = TypeOps.Width(local.Type);
        return m => Array.Copy(m.M, c(m), m.M, slot, w);
    }

    private SFn ConvertScalar(EConvert cv)
    {
        var inner = S(cv.Value);
        var span = cv.Span;
        switch (cv.Type)
        {
            case IntTy t when cv.Value.Type is IntTy:
            {
                long lo = t.Lo, hi = t.Hi;
                return m =>
                {
                    long v = inner(m);
                    if (v < lo || v > hi) throw Error(span, $"value {v} is outside the range {lo}..{hi}");
                    return v;
                };
            }
            case OptionTy { Inner: IntTy t }:
            {
                long lo = t.Lo, hi = t.Hi;
                return m =>
                {
                    long v = inner(m);
                    if (v != TypeOps.NoneValue && (v < lo || v > hi)) throw Error(span, $"value {v} is outside the range {lo}..{hi}");
                    return v;
                };
            }
            case SetTy { Elem: IntTy t }:
            {
                var (lo, n) = StateLayout.SetBitRange(t);
                ulong allowed = (n >= 64 ? ulong.MaxValue : (1UL << n) - 1) << (int)lo;
                return m =>
                {
                    long v = inner(m);
                    if (((ulong)v & ~allowed) != 0) throw Error(span, $"set element {BitOperations.TrailingZeroCount((ulong)v & ~allowed)} is outside {t.Show()}");
                    return v;
                };
            }
            default:
                return inner;
        }
    }

    // ------------------------------------------------------------------ composites

    public CFn C(Expr e)
    {
        switch (e)
        {
            case EVar or ELocal or EIndex or EField or EOptionValue:
                return L(e).AsFn();
            case EOld o: return InOld(() => C(o.Inner));
            case EIf f:
            {
                var c = S(f.Cond);
                var t = C(f.Then);
                var el = C(f.Else);
                return m => c(m) != 0 ? t(m) : el(m);
            }
            case ELet l:
            {
                var bind = BindLocal(l.Local, l.Value);
                var body = C(l.Body);
                return m => { bind(m); return body(m); };
            }
            case ERecord r:
            {
                int tmp = Alloc(TypeOps.Width(r.Type));
                var writers = new List<Action<Machine>>();
                int off = 0;
                foreach (var f in r.Fields)
                {
                    writers.Add(WriteInto(tmp + off, f));
                    off += TypeOps.Width(f.Type);
                }
                var ws = writers.ToArray();
                return m => { foreach (var w in ws) w(m); return tmp; };
            }
            case ESeqLit q:
            {
                var st = (SeqTy)q.Type;
                int w = TypeOps.Width(st.Elem);
                int tmp = Alloc(TypeOps.Width(st));
                var defaults = StateLayout.DefaultSlots(st);
                var ws = q.Items.Select((it, i) => WriteInto(tmp + 1 + i * w, it)).ToArray();
                long len = q.Items.Count;
                return m =>
                {
                    defaults.CopyTo(m.M, tmp);
                    m.M[tmp] = len;
                    foreach (var wr in ws) wr(m);
                    return tmp;
                };
            }
            case EMapComp mc:
            {
                var mt = (MapTy)mc.Type;
                long n = TypeOps.KeyCount(mt.Key);
                int w = TypeOps.Width(mt.Value);
                int tmp = Alloc(TypeOps.Width(mt));
                int slot = Slot(mc.Local);
                var key = mt.Key;
                var body = WriteIntoDyn(mc.Body);
                return m =>
                {
                    for (long k = 0; k < n; k++)
                    {
                        m.M[slot] = TypeOps.KeyValue(key, k);
                        body(m, tmp + (int)k * w);
                    }
                    return tmp;
                };
            }
            case ESome s:
            {
                int tmp = Alloc(TypeOps.Width(s.Type));
                var w = WriteInto(tmp + 1, s.Value);
                return m => { m.M[tmp] = 1; w(m); return tmp; };
            }
            case ENone n:
            {
                int tmp = Alloc(TypeOps.Width(n.Type));
                var defaults = StateLayout.DefaultSlots(n.Type);
                return m => { defaults.CopyTo(m.M, tmp); return tmp; };
            }
            case EWith w: return With(w);
            case ECall c: return CallComposite(c);
            case EDefCall d:
            {
                var bind = BindArgs(d.Def.Params, d.Args);
                var key = (d.Def, _base);
                if (!_defs.TryGetValue(key, out var compiled) || compiled.C is null)
                {
                    compiled = (compiled.S, C(d.Def.Body));
                    _defs[key] = compiled;
                }
                var body = compiled.C!;
                int width = TypeOps.Width(d.Type);
                int tmp = Alloc(width);
                return m =>
                {
                    bind?.Invoke(m);
                    Array.Copy(m.M, body(m), m.M, tmp, width);
                    return tmp;
                };
            }
            case EConvert cv:
            {
                int tmp = Alloc(TypeOps.Width(cv.Type));
                var conv = Converter(cv.Value.Type, cv.Type, cv.Span);
                var src = C(cv.Value);
                return m => { conv(m, src(m), tmp); return tmp; };
            }
        }
        throw new InvalidOperationException($"no composite compilation for {e.GetType().Name}");
    }

    /// Writes the value of <paramref name="e"/> at a fixed offset (temporaries: direct writes).
    private Action<Machine> WriteInto(int at, Expr e)
    {
        if (TypeOps.IsScalar(e.Type))
        {
            var s = S(e);
            return m => m.M[at] = s(m);
        }
        var c = C(e);
        int w = TypeOps.Width(e.Type);
        return m => Array.Copy(m.M, c(m), m.M, at, w);
    }

    private Action<Machine, int> WriteIntoDyn(Expr e)
    {
        if (TypeOps.IsScalar(e.Type))
        {
            var s = S(e);
            return (m, at) => m.M[at] = s(m);
        }
        var c = C(e);
        int w = TypeOps.Width(e.Type);
        return (m, at) => Array.Copy(m.M, c(m), m.M, at, w);
    }

    private CFn With(EWith w)
    {
        int width = TypeOps.Width(w.Type);
        int tmp = Alloc(width);
        var target = C(w.Target);
        var offsetFns = new List<Func<Machine, int, int>>();
        foreach (var step in w.Path)
            offsetFns.Add(StepOffset(step, w.Span));
        var steps = offsetFns.ToArray();
        var value = WriteIntoDyn(w.Value);
        return m =>
        {
            Array.Copy(m.M, target(m), m.M, tmp, width);
            int at = tmp;
            foreach (var s in steps) at = s(m, at);
            value(m, at);
            return tmp;
        };
    }

    /// The offset of one path step inside a container value at <c>at</c>.
    private Func<Machine, int, int> StepOffset(PathStep step, SourceSpan span)
    {
        switch (step.ContainerType)
        {
            case RecordTy rt:
            {
                int off = rt.Fields.Take(step.Field).Sum(f => TypeOps.Width(f.Type));
                return (_, at) => at + off;
            }
            case MapTy mt:
            {
                var key = S(step.Key!);
                long n = TypeOps.KeyCount(mt.Key);
                long lo = mt.Key is IntTy it ? it.Lo : 0;
                int stride = TypeOps.Width(mt.Value);
                var keySpan = step.Key!.Span;
                var keyTy = mt.Key;
                return (m, at) =>
                {
                    long k = key(m) - lo;
                    if ((ulong)k >= (ulong)n) throw Error(keySpan, $"key {k + lo} is not in this map's keys ({keyTy.Show()})");
                    return at + (int)k * stride;
                };
            }
            case SeqTy st:
            {
                var idx = S(step.Key!);
                int stride = TypeOps.Width(st.Elem);
                var keySpan = step.Key!.Span;
                return (m, at) =>
                {
                    long i = idx(m);
                    long len = m.M[at];
                    if (i < 0 || i >= len) throw Error(keySpan, $"index {i} is outside the sequence (length {len})");
                    return at + 1 + (int)i * stride;
                };
            }
        }
        throw new InvalidOperationException("path step");
    }

    private CFn CallComposite(ECall c)
    {
        var span = c.Span;
        switch (c.Fn)
        {
            case Builtin.Tail:
            {
                var st = (SeqTy)c.Type;
                int w = TypeOps.Width(st.Elem);
                int width = TypeOps.Width(st);
                int tmp = Alloc(width);
                var q = C(c.Args[0]);
                var elemDefault = StateLayout.DefaultSlots(st.Elem);
                return m =>
                {
                    int b = q(m);
                    long len = m.M[b];
                    if (len == 0) throw Error(span, "tail of an empty sequence");
                    m.M[tmp] = len - 1;
                    Array.Copy(m.M, b + 1 + w, m.M, tmp + 1, (int)(len - 1) * w);
                    for (int i = (int)len - 1; i < st.Capacity; i++) elemDefault.CopyTo(m.M, tmp + 1 + i * w);
                    return tmp;
                };
            }
            case Builtin.Append:
            {
                var st = (SeqTy)c.Type;
                int w = TypeOps.Width(st.Elem);
                int width = TypeOps.Width(st);
                int tmp = Alloc(width);
                var q = C(c.Args[0]);
                var x = WriteIntoDyn(c.Args[1]);
                int cap = st.Capacity;
                return m =>
                {
                    int b = q(m);
                    long len = m.M[b];
                    if (len >= cap) throw Error(span, $"append to a full sequence (maximum length {cap})");
                    Array.Copy(m.M, b, m.M, tmp, width);
                    m.M[tmp] = len + 1;
                    x(m, tmp + 1 + (int)len * w);
                    return tmp;
                };
            }
            case Builtin.Head or Builtin.Last:
            {
                var q = C(c.Args[0]);
                int w = TypeOps.Width(((SeqTy)c.Args[0].Type).Elem);
                bool last = c.Fn == Builtin.Last;
                return m =>
                {
                    int b = q(m);
                    long len = m.M[b];
                    if (len == 0) throw Error(span, $"{(last ? "last" : "head")} of an empty sequence");
                    return b + 1 + (last ? (int)(len - 1) * w : 0);
                };
            }
        }
        throw new InvalidOperationException($"builtin {c.Fn} is not composite");
    }

    // ------------------------------------------------------------------ locations

    /// The location of a variable, local, or a path into one (or a temporary for other values).
    public Loc L(Expr e)
    {
        switch (e)
        {
            case EVar v: return Loc.At(VarOffset(v.Index));
            case ELocal l: return Loc.At(Slot(l.Local));
            case EOld o: return InOld(() => L(o.Inner));
            case EField f:
            {
                var rt = (RecordTy)f.Target.Type;
                int off = rt.Fields.Take(f.Field).Sum(x => TypeOps.Width(x.Type));
                return L(f.Target).Plus(off);
            }
            case EIndex ix when ix.Target.Type is MapTy mt:
            {
                var target = L(ix.Target);
                long n = TypeOps.KeyCount(mt.Key);
                long lo = mt.Key is IntTy it ? it.Lo : 0;
                int stride = TypeOps.Width(mt.Value);
                var keySpan = ix.Key.Span;
                var keyTy = mt.Key;
                if (ix.Key is EConst kc && kc.Value - lo >= 0 && kc.Value - lo < n)
                    return target.Plus((int)(kc.Value - lo) * stride);
                if (target.Dyn is null && ix.Key is ELocal kl)
                {
                    // The common case, a state map indexed by a parameter or bound variable:
                    // read the key's slot directly instead of calling its closure.
                    int c = target.Const, keySlot = Slot(kl.Local);
                    return Loc.Of(m =>
                    {
                        long k = m.M[keySlot] - lo;
                        if ((ulong)k >= (ulong)n) throw KeyError(keySpan, k + lo, keyTy);
                        return c + (int)k * stride;
                    }) with { ByLocal = new Loc.Indexed(c, keySlot, lo, n, stride, keySpan, keyTy) };
                }
                var key = S(ix.Key);
                if (target.Dyn is null)
                {
                    int c = target.Const;
                    return Loc.Of(m =>
                    {
                        long k = key(m) - lo;
                        if ((ulong)k >= (ulong)n) throw KeyError(keySpan, k + lo, keyTy);
                        return c + (int)k * stride;
                    });
                }
                var d = target.Dyn;
                int tc = target.Const;
                return Loc.Of(m =>
                {
                    int b = d(m) + tc;
                    long k = key(m) - lo;
                    if ((ulong)k >= (ulong)n) throw KeyError(keySpan, k + lo, keyTy);
                    return b + (int)k * stride;
                });
            }
            case EIndex ix when ix.Target.Type is SeqTy st:
            {
                var target = L(ix.Target).AsFn();
                var idx = S(ix.Key);
                int stride = TypeOps.Width(st.Elem);
                var span = ix.Key.Span;
                return Loc.Of(m =>
                {
                    int b = target(m);
                    long i = idx(m);
                    long len = m.M[b];
                    if (i < 0 || i >= len) throw Error(span, $"index {i} is outside the sequence (length {len})");
                    return b + 1 + (int)i * stride;
                });
            }
            case EOptionValue ov when !TypeOps.IsScalar(ov.Target.Type):
            {
                var target = L(ov.Target).AsFn();
                var span = ov.Span;
                return Loc.Of(m =>
                {
                    int b = target(m);
                    if (m.M[b] == 0) throw Error(span, "'.value' of none");
                    return b + 1;
                });
            }
            default:
                return Loc.Of(C(e));
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static EvalError KeyError(SourceSpan span, long key, Ty keyTy) =>
        Error(span, $"key {key} is not in this map's keys ({keyTy.Show()})");

    // ------------------------------------------------------------------ conversions

    public delegate void Conv(Machine m, int src, int dst);

    /// Copies a value of type <paramref name="from"/> at src into the layout of
    /// <paramref name="to"/> at dst, checking ranges and capacities.
    public Conv Converter(Ty from, Ty to, SourceSpan span)
    {
        if (TypeOps.IsScalar(to))
        {
            if (!TypeOps.IsScalar(from)) throw new InvalidOperationException($"convert {from.Show()} to {to.Show()}");
            var check = ScalarCheck(to, span);
            return (m, s, d) => m.M[d] = check(m.M[s]);
        }
        switch (to)
        {
            case OptionTy ot:
            {
                var defaults = StateLayout.DefaultSlots(to);
                if (from is not OptionTy fo || TypeOps.IsScalar(from))
                    return (m, s, d) => defaults.CopyTo(m.M, d); // `none` typed before its context was known
                var inner = Converter(fo.Inner, ot.Inner, span);
                return (m, s, d) =>
                {
                    if (m.M[s] == 0) { defaults.CopyTo(m.M, d); return; }
                    m.M[d] = 1;
                    inner(m, s + 1, d + 1);
                };
            }
            case RecordTy rt:
            {
                var fr = (RecordTy)from;
                var parts = new List<(int So, int Do, Conv C)>();
                int so = 0, dof = 0;
                for (int i = 0; i < rt.Fields.Count; i++)
                {
                    parts.Add((so, dof, Converter(fr.Fields[i].Type, rt.Fields[i].Type, span)));
                    so += TypeOps.Width(fr.Fields[i].Type);
                    dof += TypeOps.Width(rt.Fields[i].Type);
                }
                var arr = parts.ToArray();
                return (m, s, d) => { foreach (var p in arr) p.C(m, s + p.So, d + p.Do); };
            }
            case MapTy mt:
            {
                var fm = (MapTy)from;
                long n = TypeOps.KeyCount(mt.Key);
                int sw = TypeOps.Width(fm.Value), dw = TypeOps.Width(mt.Value);
                var inner = Converter(fm.Value, mt.Value, span);
                return (m, s, d) => { for (int k = 0; k < n; k++) inner(m, s + k * sw, d + k * dw); };
            }
            case SeqTy qt:
            {
                var fq = from as SeqTy;
                int sw = fq is null ? 1 : TypeOps.Width(fq.Elem), dw = TypeOps.Width(qt.Elem);
                var inner = fq is null || fq.Elem is AnyTy ? null : Converter(fq.Elem, qt.Elem, span);
                var elemDefault = StateLayout.DefaultSlots(qt.Elem);
                int cap = qt.Capacity;
                return (m, s, d) =>
                {
                    long len = m.M[s];
                    if (len > cap) throw Error(span, $"a sequence of length {len} does not fit the maximum length {cap}");
                    m.M[d] = len;
                    for (int i = 0; i < cap; i++)
                        if (i < len && inner is not null) inner(m, s + 1 + i * sw, d + 1 + i * dw);
                        else elemDefault.CopyTo(m.M, d + 1 + i * dw);
                };
            }
        }
        throw new InvalidOperationException($"convert {from.Show()} to {to.Show()}");
    }

    private static Func<long, long> ScalarCheck(Ty to, SourceSpan span)
    {
        switch (to)
        {
            case IntTy t when t.IsFinite:
                return v => v < t.Lo || v > t.Hi ? throw Error(span, $"value {v} is outside the range {t.Show()}") : v;
            case OptionTy { Inner: IntTy t } when t.IsFinite:
                return v => v != TypeOps.NoneValue && (v < t.Lo || v > t.Hi) ? throw Error(span, $"value {v} is outside the range {t.Show()}") : v;
            case SetTy { Elem: IntTy t } when t.IsFinite:
            {
                var (lo, n) = StateLayout.SetBitRange(t);
                ulong allowed = (n >= 64 ? ulong.MaxValue : (1UL << n) - 1) << (int)lo;
                return v => ((ulong)v & ~allowed) != 0 ? throw Error(span, $"a set element is outside {t.Show()}") : v;
            }
            default:
                return v => v;
        }
    }
}
