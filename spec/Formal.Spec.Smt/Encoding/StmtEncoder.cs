using System.Collections.Immutable;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// The symbolic state of one path through a body: the working state, local names, and the
/// path condition (every `require`, branch and choice taken so far).
public sealed record PathState(ImmutableArray<SVal> Vars, ImmutableDictionary<int, SVal> Locals, Term Pc);

/// A nondeterministic value of one step (a parameter, a `choose`, an `either` branch) and the
/// values it can take (default when too many to list); deadlock detection enumerates them.
public sealed record ChoiceVar(string Name, Term Var, ImmutableArray<Term> Values);

/// Encodes statement blocks in SSA form, mirroring Runtime/StmtCompiler.cs: sequential
/// statements thread the state, `if`/`either` merge their branches with if-then-else, `choose`
/// and `either` introduce fresh choice variables, `alloc` takes the lowest candidate, `for` is
/// unrolled in ascending order, procedures are inlined. Run-time errors and failed assertions
/// are recorded under the path condition where they happen.
public sealed class StmtEncoder
{
    private delegate PathState Handler(Stmt s, PathState st);

    private readonly Dictionary<Type, Handler> _handlers = new();
    private readonly ExprEncoder _x;
    private readonly List<ChoiceVar> _choices = new();
    private ImmutableArray<SVal> _old;
    private string _scope = "";
    private string _suffix = "";
    private int _counter;

    public StmtEncoder(ExprEncoder x)
    {
        _x = x;
        On<SAssignIr>(Assign);
        On<SParallelIr>(Parallel);
        On<SRequireIr>((s, st) => st with { Pc = T.And(st.Pc, _x.Bool(s.Cond, Env(st), G(st))) });
        On<SAssertIr>(Assert);
        On<SLetIr>((s, st) => st with { Locals = st.Locals.SetItem(s.Local.Id, _x.Encode(s.Value, Env(st), G(st))) });
        On<SChooseIr>(Choose);
        On<SAllocIr>(Alloc);
        On<SIfIr>(If);
        On<SForIr>(For);
        On<SEitherIr>(Either);
        On<SCallIr>(Call);
        On<SSkipIr>((_, st) => st);
    }

    private Terms T => _x.T;
    private Values V => _x.V;

    /// The node types this encoder handles.
    public IReadOnlyCollection<Type> HandledNodeTypes => _handlers.Keys;

    private void On<TNode>(Func<TNode, PathState, PathState> handler) where TNode : Stmt =>
        _handlers[typeof(TNode)] = (s, st) => handler((TNode)s, st);

    /// Encodes a body (init, or an action with its parameters already bound) from the given
    /// state. Choice variables are named `scope.name#n` + suffix (the time step), in encoding
    /// order, so the same spec always gives the same names.
    public (PathState End, ImmutableArray<ChoiceVar> Choices) Run(IReadOnlyList<Stmt> body, PathState start, ImmutableArray<SVal> old, string scope, string suffix)
    {
        _old = old;
        _scope = scope;
        _suffix = suffix;
        _counter = 0;
        _choices.Clear();
        var end = Block(body, start);
        return (end, _choices.ToImmutableArray());
    }

    /// A fresh choice variable of the given type, registered with the values it may take.
    public Term NewChoice(string name, Ty type, IEnumerable<Term>? values)
    {
        var full = $"{_scope}.{name}#{_counter++}{_suffix}";
        var v = type is BoolTy ? T.Z.BoolConst(full) : T.Z.IntConst(full);
        _choices.Add(new ChoiceVar(full, v, values is null ? default : values.ToImmutableArray()));
        return v;
    }

    private Env Env(PathState st) => new(st.Vars, _old, st.Locals);
    private Guard G(PathState st) => Guard.Root(T, st.Pc);

    public PathState Block(IReadOnlyList<Stmt> stmts, PathState st)
    {
        foreach (var s in stmts)
        {
            // A disabled path stays disabled: nothing after it can happen.
            if (T.IsFalse(st.Pc)) return st;
            st = Statement(s, st);
        }
        return st;
    }

    private PathState Statement(Stmt s, PathState st)
    {
        if (_handlers.TryGetValue(s.GetType(), out var h)) return h(s, st);
        _x.Diags.Error(s.Span, $"the SMT back end cannot encode {s.GetType().Name} statements");
        return st;
    }

    private PathState Assign(SAssignIr a, PathState st) =>
        st with { Vars = Write(st.Vars, Prepare(a, Env(st), G(st)), G(st)) };

    /// Every target and value is computed in the state before the block, then written in order.
    private PathState Parallel(SParallelIr p, PathState st)
    {
        var env = Env(st);
        var g = G(st);
        var writes = p.Assignments.Select(a => Prepare(a, env, g)).ToList();
        var vars = st.Vars;
        foreach (var w in writes) vars = Write(vars, w, g);
        return st with { Vars = vars };
    }

    /// One assignment, evaluated: the variable and, per case, when it applies, the path and the
    /// value. Usually one case; see <see cref="Prepare"/>.
    private sealed record PreparedWrite(int Var, List<(Term When, List<Updates.Step> Steps, SVal Value)> Cases);

    /// Evaluates an assignment's target and value. When the target is indexed by a parameter
    /// or choice (`m[k] := f(m[k])`), it is evaluated once per key value with that local fixed:
    /// each entry is then updated from itself instead of reading every entry through the index
    /// (measured on counters, see README.md).
    private PreparedWrite Prepare(SAssignIr a, Env env, Guard g)
    {
        if (SplitKey(a.Target, env) is { } split)
        {
            var cases = new List<(Term, List<Updates.Step>, SVal)>();
            int var = -1;
            foreach (var (value, when) in split.Values)
            {
                if (T.IsFalse(when)) continue;
                var inner = env.Bind(split.Local.Id, value);
                var gj = g.And(when);
                var v = _x.Encode(a.Value, inner, gj);
                var (vi, steps) = _x.Updates.Target(a.Target, inner, gj);
                var = vi;
                cases.Add((when, steps, v));
            }
            if (var >= 0) return new PreparedWrite(var, cases);
        }
        var val = _x.Encode(a.Value, env, g);
        var (target, path) = _x.Updates.Target(a.Target, env, g);
        return new PreparedWrite(target, [(T.True, path, val)]);
    }

    private ImmutableArray<SVal> Write(ImmutableArray<SVal> vars, PreparedWrite w, Guard g)
    {
        var current = vars[w.Var];
        var result = current;
        foreach (var (when, steps, value) in w.Cases)
            result = V.Ite(when, _x.Updates.Apply(current, steps, 0, value, g.And(when)), result);
        return vars.SetItem(w.Var, result);
    }

    /// The local (bound to a symbolic scalar) that indexes a map step of the target, with each
    /// key value and the condition that the local has it; null when there is none. Only locals
    /// whose type lies within the key domain (so no "key outside the map" error is lost).
    private (LocalVar Local, List<(SVal Value, Term When)> Values)? SplitKey(Expr target, Env env)
    {
        for (var e = target; e is EIndex or EField; e = e is EIndex ix ? ix.Target : ((EField)e).Target)
        {
            if (e is not EIndex { Key: ELocal key } index || index.Target.Type is not MapTy mt) continue;
            if (!env.Locals.TryGetValue(key.Local.Id, out var bound) || bound is not SScalar { T: var term }) continue;
            if (T.IntValue(term) is not null || T.IsTrue(term) || T.IsFalse(term)) continue;
            if (!TypeOps.SameKeyDomain(key.Local.Type, mt.Key) || TypeOps.KeyCount(mt.Key) > MaxKeySplit) continue;
            var values = Enumerable.Range(0, (int)TypeOps.KeyCount(mt.Key))
                .Select(k => V.Scalar(mt.Key, TypeOps.KeyValue(mt.Key, k)))
                .Select(v => (v, V.Eq(new SScalar(term), v)))
                .ToList();
            return (key.Local, values);
        }
        return null;
    }

    /// Maps with more keys are updated through the symbolic index.
    private const int MaxKeySplit = 64;

    private PathState Assert(SAssertIr a, PathState st)
    {
        var c = _x.Bool(a.Cond, Env(st), G(st));
        _x.Faults.AssertionFails(T.And(st.Pc, T.Not(c)));
        return st with { Pc = T.And(st.Pc, c) };
    }

    private PathState Choose(SChooseIr c, PathState st)
    {
        var env = Env(st);
        var d = _x.Domain(c.Domain, env, G(st));
        // The candidates are only needed to enumerate choices for deadlock detection.
        var values = d.Candidates?.Select(v => ((SScalar)V.Scalar(d.Elem, v.Value)).T);
        var x = NewChoice(c.Local.Name, d.Elem, values);
        var pc = T.And(st.Pc, d.MemberOf(x));
        var inner = env.Bind(c.Local.Id, new SScalar(x));
        // The evaluator tests the condition of every candidate, so an error in it counts for
        // whichever member the choice variable picks.
        if (c.Pred is not null) pc = T.And(pc, _x.Bool(c.Pred, inner, Guard.Root(T, pc)));
        return st with { Locals = inner.Locals, Pc = pc };
    }

    /// The lowest member satisfying the condition; none: the path is disabled (a bound hit).
    private PathState Alloc(SAllocIr a, PathState st)
    {
        var env = Env(st);
        var d = _x.Domain(a.Domain, env, G(st));
        var cands = _x.Candidates(d, a.Span);
        if (cands is null) return st with { Pc = T.False };
        var hits = new List<(long Value, Term Hit)>();
        var notYet = T.True;
        foreach (var (v, member) in cands)
        {
            var hit = member;
            if (a.Pred is not null)
                hit = T.And(member, _x.Bool(a.Pred, env.Bind(a.Local.Id, V.Scalar(d.Elem, v)), Guard.Root(T, T.And(st.Pc, T.And(notYet, member)))));
            hits.Add((v, hit));
            notYet = T.And(notYet, T.Not(hit));
            if (T.IsFalse(notYet)) break;
        }
        Term chosen = T.Num(0);
        for (int i = hits.Count - 1; i >= 0; i--) chosen = T.Ite(hits[i].Hit, T.Num(hits[i].Value), chosen);
        return st with { Locals = st.Locals.SetItem(a.Local.Id, new SScalar(chosen)), Pc = T.And(st.Pc, T.Not(notYet)) };
    }

    private PathState If(SIfIr f, PathState st)
    {
        var c = _x.Bool(f.Cond, Env(st), G(st));
        var then = Block(f.Then, st with { Pc = T.And(st.Pc, c) });
        var otherwise = Block(f.Else, st with { Pc = T.And(st.Pc, T.Not(c)) });
        return Merge(st, c, then, otherwise);
    }

    /// Joins two branches: variables by if-then-else, the path condition by cases; names bound
    /// inside a branch go out of scope.
    private PathState Merge(PathState before, Term c, PathState a, PathState b)
    {
        if (T.IsTrue(c)) return a with { Locals = before.Locals };
        if (T.IsFalse(c)) return b with { Locals = before.Locals };
        var vars = before.Vars.ToBuilder();
        for (int i = 0; i < vars.Count; i++) vars[i] = V.Ite(c, a.Vars[i], b.Vars[i]);
        return new PathState(vars.ToImmutable(), before.Locals, T.Ite(c, a.Pc, b.Pc));
    }

    private PathState For(SForIr f, PathState st)
    {
        var d = _x.Domain(f.Domain, Env(st), G(st));
        var cands = _x.Candidates(d, f.Span);
        if (cands is null) return st;
        foreach (var (v, member) in cands)
        {
            var bound = st with { Locals = st.Locals.SetItem(f.Local.Id, V.Scalar(d.Elem, v)) };
            var take = member;
            if (f.Pred is not null) take = T.And(member, _x.Bool(f.Pred, Env(bound), Guard.Root(T, T.And(st.Pc, member))));
            if (T.IsFalse(take)) continue;
            var after = Block(f.Body, bound with { Pc = T.And(st.Pc, take) });
            st = Merge(st, take, after, st);
        }
        return st;
    }

    private PathState Either(SEitherIr e, PathState st)
    {
        int n = e.Branches.Count;
        if (n == 1) return Block(e.Branches[0], st) with { Locals = st.Locals };
        var sel = NewChoice($"either@{e.Span.Line}", IntTy.Unbounded, Enumerable.Range(0, n).Select(i => T.Num(i)));
        var ends = new List<(Term When, PathState End)>();
        for (int i = 0; i < n; i++)
        {
            var when = T.Eq(sel, T.Num(i));
            ends.Add((when, Block(e.Branches[i], st with { Pc = T.And(st.Pc, when) })));
        }
        // Merge from the last branch outwards; the selector's range is part of the path condition.
        var merged = ends[^1].End with { Pc = T.And(ends[^1].End.Pc, T.Eq(sel, T.Num(n - 1))) };
        for (int i = n - 2; i >= 0; i--) merged = Merge(st, ends[i].When, ends[i].End, merged);
        return merged with { Locals = st.Locals };
    }

    private PathState Call(SCallIr c, PathState st)
    {
        var env = Env(st);
        var g = G(st);
        var args = c.Args.Select(a => _x.Encode(a, env, g)).ToList();
        var locals = st.Locals;
        for (int i = 0; i < args.Count; i++) locals = locals.SetItem(c.Proc.Params[i].Id, args[i]);
        var end = Block(c.Proc.Body, st with { Locals = locals });
        return end with { Locals = st.Locals };
    }
}
