using System.Collections.Immutable;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Encoding;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Engines;

/// The frames, steps and properties of a spec unrolled in time, built on demand and shared by
/// the BMC and induction queries (they differ only in what they assert about frame 0).
public sealed class Unrolling
{
    /// Deadlock checking enumerates each action's parameters and choices up to this many.
    public const int MaxDeadlockCombinations = 4096;

    private readonly List<ImmutableArray<SVal>> _frames = new();
    private readonly Dictionary<int, StepEncoding> _steps = new();
    private readonly Dictionary<int, InvariantEncoding> _invariants = new();
    private readonly Dictionary<int, Term> _deadlocks = new();
    private readonly Dictionary<int, Term> _successors = new();
    private InitEncoding? _init;

    public Unrolling(SpecIr ir, Z3Context z, bool checkDeadlock, DiagnosticBag diags, int maxGroundedInstances = SpecEncoder.DefaultMaxGroundedInstances)
    {
        Encoder = new SpecEncoder(ir, z, diags, maxGroundedInstances);
        Codec = new StateCodec(ir, Encoder.V);
        CheckDeadlock = checkDeadlock;
    }

    public SpecEncoder Encoder { get; }
    public StateCodec Codec { get; }
    public bool CheckDeadlock { get; }
    public Terms T => Encoder.T;
    public SpecIr Ir => Encoder.Ir;

    public ImmutableArray<SVal> Frame(int i)
    {
        while (_frames.Count <= i) _frames.Add(Encoder.Frame(_frames.Count));
        return _frames[i];
    }

    public InitEncoding Init => _init ??= Encoder.Init();

    /// The initial-state constraint on frame 0 (init runs without a fault and produces it).
    public Term InitOk => T.And([Init.Enabled, T.Not(Init.Error), T.Not(Init.AssertionFails), Encoder.Equal(Frame(0), Init.Next)]);

    public Term InitFault => T.Or(Init.Error, Init.AssertionFails);

    /// Step i leads from frame i-1 to frame i.
    public StepEncoding Step(int i)
    {
        if (!_steps.TryGetValue(i, out var s)) _steps[i] = s = Encoder.Step(Frame(i - 1), i);
        return s;
    }

    /// Frame i is what step i computes from frame i-1 (enabled and fault-free or not).
    public Term Successor(int i)
    {
        if (!_successors.TryGetValue(i, out var t)) _successors[i] = t = Encoder.Successor(Step(i), Frame(i));
        return t;
    }

    /// The ranges of step i's choice variables (see <see cref="SpecEncoder.ChoiceBounds"/>).
    public Term ChoiceBounds(int i) => Encoder.ChoiceBounds(Step(i));

    /// Step i's actions, each with the condition that the step runs one of its instances.
    public IReadOnlyList<(string Action, Term Chosen)> ActionsOf(int i)
    {
        var step = Step(i);
        return step.Actions.Select((a, idx) => (a.Ir.Name, idx))
            .GroupBy(x => x.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, T.Or(g.Select(x => step.Chosen(T, x.idx)))))
            .ToList();
    }

    /// Step i's actions split further by parameter values: one case per combination of the
    /// action's parameters (named by its label) when it has at most <paramref name="maxCases"/>,
    /// else the whole action. Up to the symmetry of the pools (see <see cref="Combinations"/>)
    /// the cases cover what <see cref="ActionsOf"/> does.
    public IReadOnlyList<(string Action, Term Chosen)> CasesOf(int i, int maxCases)
    {
        var step = Step(i);
        var cases = new List<(string, Term)>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, chosen) in ActionsOf(i))
        {
            var instances = Enumerable.Range(0, step.Actions.Length).Where(x => step.Actions[x].Ir.Name == name).ToList();
            var ir = step.Actions[instances[0]].Ir;
            long combos = 1;
            foreach (var p in ir.Params)
                if (combos <= maxCases) combos = TypeOps.DomainSize(p.Type) is var n and > 0 and <= int.MaxValue ? combos * n : long.MaxValue;
            if (ir.Params.Count == 0 || combos > maxCases || instances.Count > 1)
            {
                cases.Add((name, chosen));
                continue;
            }
            var act = step.Actions[instances[0]];
            foreach (var values in Combinations(ir.Params.Select(p => p.Type).ToList()))
            {
                var conj = new List<Term> { chosen };
                for (int k = 0; k < values.Length; k++)
                    conj.Add(ir.Params[k].Type is Types.BoolTy
                        ? (values[k] != 0 ? act.Params[k] : T.Not(act.Params[k]))
                        : T.Eq(act.Params[k], T.Num(values[k])));
                cases.Add((StateCodec.Label(ir, values).Show(), T.And(conj)));
            }
        }
        return cases;
    }

    /// Every combination of parameter values, except that objects of a symmetric pool appear in
    /// canonical order: the first parameter of such a pool is its object 0, a later one is an
    /// object already named or the next unnamed one. The induction step's frames are arbitrary
    /// well-formed states, so a permutation of a pool maps any counterexample to one with the
    /// parameters in this order - exactly when the actions, invariants and lemmas do not tell the
    /// pool's objects apart, which is what declaring the pool symmetric asserts (the explorer's
    /// reduction relies on it too).
    private static IEnumerable<long[]> Combinations(IReadOnlyList<Types.Ty> types)
    {
        var values = new long[types.Count];
        IEnumerable<long[]> From(int k)
        {
            if (k == types.Count) { yield return (long[])values.Clone(); yield break; }
            long n = TypeOps.DomainSize(types[k]);
            if (types[k] is PoolTy { Symmetric: true } pool)
            {
                long named = -1;
                for (int e = 0; e < k; e++)
                    if (types[e] is PoolTy q && q.Name == pool.Name) named = Math.Max(named, values[e]);
                n = Math.Min(n, named + 2);
            }
            for (long j = 0; j < n; j++)
            {
                values[k] = TypeOps.KeyValue(types[k], j);
                foreach (var c in From(k + 1)) yield return c;
            }
        }
        return From(0);
    }

    /// Step i is enabled and fault-free.
    public Term Valid(int i) => Encoder.Valid(Step(i));

    /// A transition of the spec from frame i-1 to frame i.
    public Term Transition(int i) => T.And(Successor(i), Valid(i));

    /// Step i fails: a run-time error or an assertion on the chosen path.
    public Term Fault(int i) => Encoder.Fault(Step(i));

    public InvariantEncoding Invariants(int i)
    {
        if (!_invariants.TryGetValue(i, out var inv)) _invariants[i] = inv = Encoder.Invariants(Frame(i));
        return inv;
    }

    /// Frame i has no successor and no failing step (false unless deadlocks are checked).
    public Term Deadlock(int i)
    {
        if (!CheckDeadlock) return T.False;
        if (!_deadlocks.TryGetValue(i, out var d))
            _deadlocks[i] = d = T.Not(Encoder.Live(Step(i + 1), MaxDeadlockCombinations, Ir.Actions.Count > 0 ? Ir.Actions[0].Span : default));
        return d;
    }

    /// Frame i is bad: an invariant fails, evaluating one fails, or it is a deadlock.
    public Term BadState(int i) => T.Or([T.Not(Invariants(i).Holds), Invariants(i).Error, Deadlock(i)]);

    /// The path of frames 0..last from a model: labels from each step's selector and
    /// parameters, the failing step's label when the path ends in a fault.
    public ClaimedPath Decode(IModel m, bool fromInitial, int last, ClaimedEnd end)
    {
        var steps = new List<ClaimedStep>();
        int states = end == ClaimedEnd.BadStep ? last : last + 1;
        for (int i = 0; i <= last; i++)
        {
            var label = i == 0 ? null : LabelOf(m, Step(i));
            var state = i < states ? Codec.Decode(Frame(i), m) : null;
            if (i == 0 && state is null) break;
            steps.Add(new ClaimedStep(label, state));
        }
        return new ClaimedPath(fromInitial, steps, end);
    }

    private StepLabel LabelOf(IModel m, StepEncoding step)
    {
        int a = step.Selector is { } s ? (int)m.Int(s) : 0;
        var act = step.Actions[a];
        var values = act.Params.Select((p, i) => act.Ir.Params[i].Type is Types.BoolTy ? (m.Bool(p) ? 1L : 0L) : m.Int(p)).ToList();
        return StateCodec.Label(act.Ir, values);
    }
}
