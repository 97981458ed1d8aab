using System.Collections.Immutable;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// Encodes typed expressions into symbolic values, mirroring the evaluator (Runtime/
/// ExprCompiler.cs) construct by construct: quantifiers and set formers are expanded over their
/// finite domains in iteration order, and every run-time error the evaluator raises becomes a
/// condition recorded in <see cref="Faults"/>, under the guard where it would be evaluated.
/// Dispatch goes through a table keyed by node type, so the table is the list of supported
/// constructs (a test checks it against every IR node kind).
public sealed class ExprEncoder
{
    private delegate SVal Handler(Expr e, Env env, Guard g);

    private readonly Dictionary<Type, Handler> _handlers = new();
    private readonly SetEncoding _sets;
    private readonly SeqEncoding _seqs;
    private readonly Conversions _conv;

    public ExprEncoder(Values values, DiagnosticBag diags)
    {
        V = values;
        Diags = diags;
        _sets = new SetEncoding(this);
        _seqs = new SeqEncoding(this);
        _conv = new Conversions(this);
        Updates = new Updates(this);

        On<EConst>(Const);
        On<EVar>((e, env, _) => env.State[e.Index]);
        On<EOld>((e, env, g) => Encode(e.Inner, env with { State = env.Old }, g));
        On<ELocal>((e, env, _) => env.Locals.TryGetValue(e.Local.Id, out var v) ? v : throw new InvalidOperationException($"unbound local {e.Local.Name}"));
        On<EIndex>(Index);
        On<EField>((e, env, g) => ((SRec)Encode(e.Target, env, g)).Fields[e.Field]);
        On<EOptionValue>(OptionValue);
        On<EUnary>(Unary);
        On<EBinary>(Binary);
        On<ESeqContains>(_seqs.Contains);
        On<EIf>(If);
        On<ELet>((e, env, g) => Encode(e.Body, env.Bind(e.Local.Id, Encode(e.Value, env, g)), g));
        On<EQuant>(Quant);
        On<ESetLit>(_sets.Literal);
        On<ESetFilter>(_sets.Filter);
        On<ESetMap>(_sets.Map);
        On<EMapComp>(MapComp);
        On<ERecord>((e, env, g) => new SRec(e.Fields.Select(f => Encode(f, env, g)).ToImmutableArray()));
        On<ESeqLit>(_seqs.Literal);
        On<ESome>((e, env, g) => new SOpt(T.True, Encode(e.Value, env, g)));
        On<ENone>((e, _, _) => V.Default(e.Type));
        On<EWith>(Updates.With);
        On<ECall>(Call);
        On<ERange>(_sets.Range);
        On<ETypeDomain>(_sets.TypeDomain);
        On<EFind>(Find);
        On<EDefCall>(DefCall);
        On<EConvert>(_conv.Convert);
    }

    public Values V { get; }
    public Terms T => V.T;
    public DiagnosticBag Diags { get; }
    public Updates Updates { get; }

    /// Where run-time errors go; set by the statement encoder for each action, init or invariant.
    public Faults Faults { get; set; } = null!;

    /// The node types this encoder handles.
    public IReadOnlyCollection<Type> HandledNodeTypes => _handlers.Keys;

    private void On<TNode>(Func<TNode, Env, Guard, SVal> handler) where TNode : Expr =>
        _handlers[typeof(TNode)] = (e, env, g) => handler((TNode)e, env, g);

    public SVal Encode(Expr e, Env env, Guard g)
    {
        if (!_handlers.TryGetValue(e.GetType(), out var h))
        {
            Diags.Error(e.Span, $"the SMT back end cannot encode {e.GetType().Name} expressions");
            return V.Default(e.Type);
        }
        return h(e, env, g);
    }

    public Term Bool(Expr e, Env env, Guard g) => ((SScalar)Encode(e, env, g)).T;
    public Term Int(Expr e, Env env, Guard g) => ((SScalar)Encode(e, env, g)).T;

    /// Records a run-time error that happens when <paramref name="when"/> holds under g.
    public void Error(Guard g, Term when) => Faults.Error(g, when);

    // ------------------------------------------------------------------ leaves

    private SVal Const(EConst c, Env env, Guard g) => c.Type switch
    {
        BoolTy => new SScalar(T.Bool(c.Value != 0)),
        OptionTy o when c.Value == TypeOps.NoneValue => V.Default(o),
        OptionTy o => new SOpt(T.True, V.Scalar(o.Inner, c.Value)),
        _ => new SScalar(T.Num(c.Value)),
    };

    private SVal OptionValue(EOptionValue ov, Env env, Guard g)
    {
        var o = (SOpt)Encode(ov.Target, env, g);
        Error(g, T.Not(o.IsSome));
        return o.Value;
    }

    private SVal Index(EIndex ix, Env env, Guard g)
    {
        var target = Encode(ix.Target, env, g);
        var key = Int(ix.Key, env, g);
        if (target is SSeq seq) return _seqs.At(seq, key, g);
        var mt = (MapTy)ix.Target.Type;
        return Lookup(mt, (SMap)target, key, ix.Key.Type, g);
    }

    /// The value at a key, with the "key outside the map" error when the key's static type
    /// allows values outside the key domain.
    public SVal Lookup(MapTy mt, SMap map, Term key, Ty keyType, Guard g)
    {
        Error(g, KeyOutside(mt.Key, key, keyType));
        if (T.IntValue(key) is { } kv)
        {
            long idx = TypeOps.KeyIndex(mt.Key, kv);
            if (idx >= 0 && idx < map.Values.Length) return map.Values[(int)idx];
        }
        if (mt.Key is BoolTy) return V.Ite(key, map.Values[1], map.Values[0]);
        var result = map.Values[^1];
        for (int k = map.Values.Length - 2; k >= 0; k--)
            result = V.Ite(T.Eq(key, T.Num(TypeOps.KeyValue(mt.Key, k))), map.Values[k], result);
        return result;
    }

    /// The condition under which a key value lies outside the key domain.
    public Term KeyOutside(Ty keyDomain, Term key, Ty keyType)
    {
        if (keyDomain is not IntTy kd || keyType is IntTy { IsFinite: true } kt && kt.Lo >= kd.Lo && kt.Hi <= kd.Hi) return T.False;
        return T.Not(T.InRange(key, kd.Lo, kd.Hi));
    }

    private SVal Unary(EUnary u, Env env, Guard g)
    {
        var x = ((SScalar)Encode(u.Operand, env, g)).T;
        return new SScalar(u.Op == UnOp.Not ? T.Not(x) : T.Neg(x));
    }

    private SVal If(EIf f, Env env, Guard g)
    {
        var c = Bool(f.Cond, env, g);
        if (T.IsTrue(c)) return Encode(f.Then, env, g);
        if (T.IsFalse(c)) return Encode(f.Else, env, g);
        var a = Encode(f.Then, env, g.And(c));
        var b = Encode(f.Else, env, g.And(T.Not(c)));
        return V.Ite(c, a, b);
    }

    // ------------------------------------------------------------------ operators

    private SVal Binary(EBinary b, Env env, Guard g)
    {
        switch (b.Op)
        {
            case BinOp.And:
            {
                var l = Bool(b.Left, env, g);
                return new SScalar(T.And(l, Bool(b.Right, env, g.And(l))));
            }
            case BinOp.Or:
            {
                var l = Bool(b.Left, env, g);
                return new SScalar(T.Or(l, Bool(b.Right, env, g.And(T.Not(l)))));
            }
            case BinOp.Implies:
            {
                var l = Bool(b.Left, env, g);
                return new SScalar(T.Implies(l, Bool(b.Right, env, g.And(l))));
            }
            case BinOp.Iff: return new SScalar(T.Iff(Bool(b.Left, env, g), Bool(b.Right, env, g)));
            case BinOp.Eq or BinOp.Ne:
            {
                var eq = V.Eq(Encode(b.Left, env, g), Encode(b.Right, env, g));
                return new SScalar(b.Op == BinOp.Eq ? eq : T.Not(eq));
            }
            case BinOp.In or BinOp.NotIn:
            {
                var x = ((SScalar)Encode(b.Left, env, g)).T;
                var m = V.Member((SSet)Encode(b.Right, env, g), x);
                return new SScalar(b.Op == BinOp.In ? m : T.Not(m));
            }
            case BinOp.SubsetEq or BinOp.Union or BinOp.Inter or BinOp.Diff:
                return _sets.Binary(b, (SSet)Encode(b.Left, env, g), (SSet)Encode(b.Right, env, g));
        }
        var x1 = Int(b.Left, env, g);
        var y1 = Int(b.Right, env, g);
        switch (b.Op)
        {
            case BinOp.Add: return new SScalar(T.Add(x1, y1));
            case BinOp.Sub: return new SScalar(T.Sub(x1, y1));
            case BinOp.Mul: return new SScalar(T.Mul(x1, y1));
            case BinOp.Div or BinOp.Mod:
            {
                Error(g, T.Eq(y1, T.Num(0)));
                var (q, r) = Arithmetic.FloorDivMod(T, x1, y1, b.Left.Type as IntTy);
                return new SScalar(b.Op == BinOp.Div ? q : r);
            }
            case BinOp.Lt: return new SScalar(T.Lt(x1, y1));
            case BinOp.Le: return new SScalar(T.Le(x1, y1));
            case BinOp.Gt: return new SScalar(T.Gt(x1, y1));
            case BinOp.Ge: return new SScalar(T.Ge(x1, y1));
        }
        Diags.Error(b.Span, $"the SMT back end cannot encode the operator {b.Op}");
        return V.Default(b.Type);
    }

    // ------------------------------------------------------------------ binders

    /// The domain of a binder, evaluated once (as the evaluator does before iterating).
    public Domain Domain(Expr d, Env env, Guard g)
    {
        var elem = d.Type is SetTy st ? st.Elem : AnyTy.Instance;
        switch (d)
        {
            case ETypeDomain td:
            {
                long n = TypeOps.DomainSize(td.Elem);
                long lo = td.Elem is IntTy it ? it.Lo : 0;
                var cands = n <= Encoding.Domain.MaxCandidates
                    ? Enumerable.Range(0, (int)n).Select(i => (lo + i, T.True)).ToList()
                    : null;
                Func<Term, Term> member = td.Elem is BoolTy ? _ => T.True : x => T.InRange(x, lo, lo + n - 1);
                return new Domain(td.Elem, cands, member, cands is null ? $"{td.Elem.Show()} has {n} values" : null);
            }
            case ERange r:
            {
                var lo = Int(r.Lo, env, g);
                var hi = Int(r.Hi, env, g);
                long slo = T.IntValue(lo) ?? (r.Lo.Type as IntTy)?.Lo ?? long.MinValue;
                long shi = T.IntValue(hi) ?? (r.Hi.Type as IntTy)?.Hi ?? long.MaxValue;
                Func<Term, Term> member = x => T.And(T.Le(lo, x), T.Le(x, hi));
                bool finite = slo != long.MinValue && shi != long.MaxValue && (shi < slo || shi - slo < Encoding.Domain.MaxCandidates);
                var cands = finite
                    ? Enumerable.Range(0, (int)Math.Max(0, shi - slo + 1)).Select(i => (slo + i, member(T.Num(slo + i)))).ToList()
                    : null;
                return new Domain(elem, cands, member, cands is null ? $"the range {IrPrinter.Print(r)} may span more than {Encoding.Domain.MaxCandidates} values" : null);
            }
            default:
            {
                var s = (SSet)Encode(d, env, g);
                var cands = new List<(long, Term)>();
                for (int i = 0; i < s.Bits.Length; i++)
                    if (!T.IsFalse(s.Bits[i])) cands.Add((s.Lo + i, s.Bits[i]));
                return new Domain(elem, cands, x => V.Member(s, x), null);
            }
        }
    }

    /// The candidates of a domain, or null after reporting that they are too many.
    public IReadOnlyList<(long Value, Term Member)>? Candidates(Domain d, SourceSpan span)
    {
        if (d.Candidates is null) Diags.Error(span, $"the SMT back end expands this domain value by value, but {d.TooWide}");
        return d.Candidates;
    }

    private SVal Quant(EQuant q, Env env, Guard g)
    {
        var d = Domain(q.Domain, env, g);
        var cands = Candidates(d, q.Span);
        if (cands is null) return new SScalar(T.False);
        // The evaluator stops at the first deciding element, so a body is evaluated only when
        // every earlier member's body went the other way.
        var parts = new List<Term>();
        var prefix = T.True;
        foreach (var (v, member) in cands)
        {
            var body = Bool(q.Body, env.Bind(q.Local.Id, V.Scalar(d.Elem, v)), g.And(T.And(prefix, member)));
            var part = q.Forall ? T.Implies(member, body) : T.And(member, body);
            parts.Add(part);
            prefix = T.And(prefix, q.Forall ? part : T.Not(part));
            if (T.IsFalse(prefix)) break;
        }
        return new SScalar(q.Forall ? T.And(parts) : T.Or(parts));
    }

    private SVal Find(EFind f, Env env, Guard g)
    {
        var d = Domain(f.Domain, env, g);
        var cands = Candidates(d, f.Span);
        var none = V.Default(f.Type);
        if (cands is null) return none;
        var hits = new List<(long Value, Term Hit)>();
        var notYet = T.True;
        foreach (var (v, member) in cands)
        {
            var pred = Bool(f.Pred, env.Bind(f.Local.Id, V.Scalar(d.Elem, v)), g.And(T.And(notYet, member)));
            var hit = T.And(member, pred);
            hits.Add((v, hit));
            notYet = T.And(notYet, T.Not(hit));
            if (T.IsFalse(notYet)) break;
        }
        SVal result = none;
        for (int i = hits.Count - 1; i >= 0; i--)
            result = V.Ite(hits[i].Hit, new SOpt(T.True, V.Scalar(d.Elem, hits[i].Value)), result);
        return result;
    }

    private SVal MapComp(EMapComp mc, Env env, Guard g)
    {
        var mt = (MapTy)mc.Type;
        long n = TypeOps.KeyCount(mt.Key);
        var values = new List<SVal>();
        for (long k = 0; k < n; k++)
            values.Add(Encode(mc.Body, env.Bind(mc.Local.Id, V.Scalar(mt.Key, TypeOps.KeyValue(mt.Key, k))), g));
        return new SMap(values.ToImmutableArray());
    }

    private SVal DefCall(EDefCall d, Env env, Guard g)
    {
        // Arguments are computed first and bound afterwards (an argument may mention an
        // enclosing call's parameters of the same definition).
        var args = d.Args.Select(a => Encode(a, env, g)).ToList();
        var inner = env;
        for (int i = 0; i < args.Count; i++) inner = inner.Bind(d.Def.Params[i].Id, args[i]);
        return Encode(d.Def.Body, inner, g);
    }

    private SVal Call(ECall c, Env env, Guard g) => c.Fn switch
    {
        Builtin.Card or Builtin.Min or Builtin.Max => _sets.Call(c, (SSet)Encode(c.Args[0], env, g), g),
        Builtin.Len or Builtin.Head or Builtin.Last or Builtin.Tail => _seqs.Call(c, (SSeq)Encode(c.Args[0], env, g), null, g),
        Builtin.Append => _seqs.Call(c, (SSeq)Encode(c.Args[0], env, g), Encode(c.Args[1], env, g), g),
        _ => Unsupported(c),
    };

    private SVal Unsupported(Expr e)
    {
        Diags.Error(e.Span, $"the SMT back end cannot encode {IrPrinter.Print(e)}");
        return V.Default(e.Type);
    }
}
