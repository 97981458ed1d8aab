using System.Collections.Immutable;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// The time-indexed vocabulary of a spec (after mypyvy's translator): every state variable gets
/// fresh constants per frame (`x@3`), each step gets fresh parameter and choice constants, and
/// init, steps and invariants are encoded between frames. BMC, the induction step and counter-
/// examples to induction are all queries over this one encoder.
public sealed class SpecEncoder
{
    private readonly ExprEncoder _x;
    private readonly StmtEncoder _s;

    public SpecEncoder(SpecIr ir, Z3Context z, DiagnosticBag diags, int maxGroundedInstances = DefaultMaxGroundedInstances)
    {
        MaxGroundedInstances = maxGroundedInstances;
        Ir = ir;
        Diags = diags;
        V = new Values(new Terms(z));
        _x = new ExprEncoder(V, diags);
        _s = new StmtEncoder(_x);
    }

    public SpecIr Ir { get; }
    public DiagnosticBag Diags { get; }
    public Values V { get; }
    public Terms T => V.T;

    /// Fresh constants for every state variable at time step i.
    public ImmutableArray<SVal> Frame(int i) => Ir.Vars.Select(v => V.Fresh(v.Type, v.Name, $"@{i}")).ToImmutableArray();

    /// The frame satisfies every type's ranges and canonical padding.
    public Term WellFormed(ImmutableArray<SVal> frame) => T.And(Ir.Vars.Select(v => V.WellFormed(v.Type, frame[v.Index])));

    public Term Equal(ImmutableArray<SVal> a, ImmutableArray<SVal> b) => T.And(a.Zip(b, V.Eq));

    public ImmutableArray<SVal> Shape(ImmutableArray<SVal> state) =>
        Ir.Vars.Select(v => V.Shape(state[v.Index], v.Type)).ToImmutableArray();

    public InitEncoding Init()
    {
        var start = Ir.Vars.Select(v => V.Default(v.Type)).ToImmutableArray();
        var faults = new Faults(T);
        _x.Faults = faults;
        var (end, _) = _s.Run(Ir.Init, new PathState(start, ImmutableDictionary<int, SVal>.Empty, T.True), start, "init", "@0");
        return new InitEncoding(Shape(end.Vars), end.Pc, faults.AnyError, faults.AnyAssertion);
    }

    /// Actions with at most this many parameter combinations are encoded once per combination
    /// (as the explorer enumerates them); the default, 1, keeps parameters symbolic. Grounding
    /// helps small actions (counters BMC about 20% faster) but multiplies large bodies (anon_vma
    /// tiny: induction 25 s symbolic, 31 s grounding up to 8, 61 s up to 256), and assignments
    /// indexed by a parameter are split per key anyway (StmtEncoder.Prepare).
    public const int DefaultMaxGroundedInstances = 1;

    /// 1 keeps every parameter symbolic.
    public int MaxGroundedInstances { get; }

    /// Step <paramref name="index"/> (1-based: it leads from frame index-1 to frame index).
    public StepEncoding Step(ImmutableArray<SVal> pre, int index)
    {
        var actions = Ir.Actions.SelectMany(a => Instances(a, pre, index)).ToImmutableArray();
        Term? selector = actions.Length > 1 ? T.Z.IntConst($"action@{index}") : null;
        return new StepEncoding(index, selector, actions);
    }

    private IEnumerable<ActionEncoding> Instances(ActionIr a, ImmutableArray<SVal> pre, int index)
    {
        long combos = a.Params.Aggregate(1L, (n, p) => n * TypeOps.DomainSize(p.Type));
        if (a.Params.Count == 0 || combos > MaxGroundedInstances)
        {
            yield return Action(a, pre, index, null);
            yield break;
        }
        // The first parameter varies slowest, as in the explorer's nested loops.
        var values = new long[a.Params.Count];
        for (long c = 0; c < combos; c++)
        {
            long rest = c;
            for (int i = a.Params.Count - 1; i >= 0; i--)
            {
                var ty = a.Params[i].Type;
                long n = TypeOps.DomainSize(ty);
                values[i] = (ty is IntTy it ? it.Lo : 0) + rest % n;
                rest /= n;
            }
            yield return Action(a, pre, index, values);
        }
    }

    private ActionEncoding Action(ActionIr a, ImmutableArray<SVal> pre, int index, long[]? ground)
    {
        var locals = ImmutableDictionary<int, SVal>.Empty;
        var pc = T.True;
        var ps = ImmutableArray.CreateBuilder<Term>();
        var paramChoices = new List<ChoiceVar>();
        string scope = a.Name;
        if (ground is not null)
        {
            scope = $"{a.Name}({string.Join(",", a.Params.Select((p, i) => Runtime.ValueCodec.Scalar(p.Type, ground[i]).Show()))})";
            for (int i = 0; i < a.Params.Count; i++)
            {
                var v = ((SScalar)V.Scalar(a.Params[i].Type, ground[i])).T;
                ps.Add(v);
                locals = locals.SetItem(a.Params[i].Id, new SScalar(v));
            }
        }
        else
            foreach (var p in a.Params)
            {
                var name = $"{a.Name}.{p.Name}@{index}";
                var v = p.Type is BoolTy ? T.Z.BoolConst(name) : T.Z.IntConst(name);
                long n = TypeOps.DomainSize(p.Type);
                long lo = p.Type is IntTy it ? it.Lo : 0;
                if (p.Type is not BoolTy) pc = T.And(pc, T.InRange(v, lo, lo + n - 1));
                var values = p.Type is BoolTy ? [T.False, T.True] : Enumerable.Range(0, (int)n).Select(i => T.Num(lo + i)).ToImmutableArray();
                paramChoices.Add(new ChoiceVar(name, v, values));
                ps.Add(v);
                locals = locals.SetItem(p.Id, new SScalar(v));
            }
        var faults = new Faults(T);
        _x.Faults = faults;
        var (end, choices) = _s.Run(a.Body, new PathState(pre, locals, pc), pre, scope, $"@{index}");
        return new ActionEncoding(a, ps.ToImmutable(), Shape(end.Vars), end.Pc, faults.AnyError, faults.AnyAssertion,
            paramChoices.Concat(choices).ToImmutableArray());
    }

    /// The post-frame is what the selected action (instance) computes from the pre-frame. Says
    /// nothing about whether that path is enabled or fails (see <see cref="Valid"/>), so that
    /// BMC can assert it before asking whether the step fails.
    public Term Successor(StepEncoding step, ImmutableArray<SVal> post)
    {
        if (step.Actions.Length == 0) return T.False;
        var parts = new List<Term>();
        if (step.Selector is { } sel) parts.Add(T.InRange(sel, 0, step.Actions.Length - 1));
        var postLeaves = post.SelectMany(Values.Leaves).ToList();
        var nextLeaves = step.Actions.Select(act => act.Next.SelectMany(Values.Leaves).ToList()).ToList();
        for (int j = 0; j < postLeaves.Count; j++)
            parts.Add(T.Eq(postLeaves[j], Merge(step, nextLeaves.Select(l => l[j]).ToList())));
        return T.And(parts);
    }

    /// The ranges of the step's choice variables. Harmless at the top level (a path that does
    /// not make a choice leaves its variable unconstrained anyway) and they let the solver
    /// bound every integer.
    public Term ChoiceBounds(StepEncoding step)
    {
        var parts = new List<Term>();
        foreach (var c in step.Actions.SelectMany(a => a.Choices))
        {
            if (c.Values.IsDefaultOrEmpty) continue;
            var nums = c.Values.Select(T.IntValue).ToList();
            if (nums.Any(n => n is null)) continue;
            parts.Add(T.InRange(c.Var, nums.Min()!.Value, nums.Max()!.Value));
        }
        return T.And(parts);
    }

    /// The selected path is enabled and runs without a run-time error or failed assertion.
    public Term Valid(StepEncoding step) =>
        T.And(step.Actions.Select((act, a) =>
            T.Implies(step.Chosen(T, a), T.And(act.Enabled, T.And(T.Not(act.Error), T.Not(act.AssertionFails))))));

    /// One leaf of the next state across actions: the value most actions give is the default,
    /// the others are selected by action (keeps frame conditions small).
    private Term Merge(StepEncoding step, List<Term> perAction)
    {
        var groups = new List<(Term Value, List<int> Actions)>();
        for (int a = 0; a < perAction.Count; a++)
        {
            int g = groups.FindIndex(x => x.Value == perAction[a]);
            if (g < 0) groups.Add((perAction[a], new List<int> { a }));
            else groups[g].Actions.Add(a);
        }
        if (groups.Count == 1) return groups[0].Value;
        int largest = 0;
        for (int g = 1; g < groups.Count; g++)
            if (groups[g].Actions.Count > groups[largest].Actions.Count) largest = g;
        var result = groups[largest].Value;
        for (int g = groups.Count - 1; g >= 0; g--)
            if (g != largest) result = T.Ite(T.Or(groups[g].Actions.Select(a => step.Chosen(T, a))), groups[g].Value, result);
        return result;
    }

    /// Some action's chosen path fails in this step (a run-time error or an assertion).
    public Term Fault(StepEncoding step) =>
        T.Or(step.Actions.Select((act, a) => T.And(step.Chosen(T, a), T.Or(act.Error, act.AssertionFails))));

    public InvariantEncoding Invariants(ImmutableArray<SVal> frame)
    {
        var faults = new Faults(T);
        _x.Faults = faults;
        var env = new Env(frame, frame, ImmutableDictionary<int, SVal>.Empty);
        var prefix = T.True;
        foreach (var inv in Ir.AllInvariants)
            foreach (var c in inv.Conjuncts)
            {
                // Conjuncts are checked in order and checking stops at the first false one.
                prefix = T.And(prefix, _x.Bool(c.Expr, env, Guard.Root(T, prefix)));
            }
        return new InvariantEncoding(prefix, faults.AnyError);
    }

    /// Some action can run from the step's pre-state (produce a successor, or fail trying):
    /// every parameter and choice is enumerated over its values.
    public Term Live(StepEncoding step, int maxCombinations, SourceSpan span)
    {
        var alternatives = new List<Term>();
        foreach (var act in step.Actions)
        {
            var live = T.Or(act.Enabled, T.Or(act.Error, act.AssertionFails));
            if (act.Choices.FirstOrDefault(c => c.Values.IsDefault) is { } wide)
            {
                Diags.Error(act.Ir.Span, $"deadlock checking by the SMT back end enumerates the choices of {act.Ir.Name}, but {wide.Name} ranges over too many values; use formal check, or --no-deadlock");
                return T.True;
            }
            long combos = act.Choices.Aggregate(1L, (n, c) => n * Math.Max(1, c.Values.Length));
            if (combos > maxCombinations)
            {
                Diags.Error(act.Ir.Span, $"deadlock checking by the SMT back end enumerates the parameters and choices of {act.Ir.Name}, which have {combos} combinations (limit {maxCombinations}); use formal check, or --no-deadlock");
                return T.True;
            }
            var from = act.Choices.Select(c => c.Var).ToArray();
            foreach (var combo in Combinations(act.Choices))
                alternatives.Add(T.Z.Substitute(live, from, combo));
        }
        return T.Or(alternatives);
    }

    private static IEnumerable<Term[]> Combinations(ImmutableArray<ChoiceVar> choices)
    {
        var idx = new int[choices.Length];
        if (choices.Any(c => c.Values.Length == 0)) yield break;
        while (true)
        {
            yield return choices.Select((c, i) => c.Values[idx[i]]).ToArray();
            int k = choices.Length - 1;
            while (k >= 0 && ++idx[k] == choices[k].Values.Length) idx[k--] = 0;
            if (k < 0) yield break;
        }
    }
}
