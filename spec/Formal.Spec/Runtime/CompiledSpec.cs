using Formal.Spec.Ir;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// How compiled specs run (see <see cref="CompiledSpec.DefaultEvaluator"/>).
public enum Evaluator { Il, Closures }

internal sealed record ActionPlan(ActionIr Ir, int[] ParamSlots, Step Run);

internal sealed record InvariantPlan(InvariantIr Ir, SFn[] Conjuncts, Explainer.Explain[] Explanations);

/// A spec compiled to closures: the state layout, the init step, one step per action (which
/// enumerates the parameters), and the invariants. Thread-safe to share; each thread makes its
/// own <see cref="Machine"/>.
public sealed class CompiledSpec
{
    private CompiledSpec(SpecIr ir)
    {
        Ir = ir;
        Layout = new StateLayout(ir.Vars);
        PoolNames = ir.Pools.Select(p => p.Name).Distinct().ToArray();
    }

    /// The pools in a fixed order: machines count exhausted allocations per pool
    /// (<see cref="Machine.Exhausted"/>), which the generator reports after each expansion.
    internal string[] PoolNames { get; }

    internal int PoolIndex(string name) =>
        Array.IndexOf(PoolNames, name) is int i and >= 0 ? i : throw new InvalidOperationException($"no pool {name}");

    public SpecIr Ir { get; }
    public StateLayout Layout { get; }
    public int MemorySize { get; private set; }
    internal Step InitStep { get; private set; } = null!;
    // The IL's shared rests and loop iterations, which compiled code calls by index.
    internal Step[] Parts { get; private set; } = [];

    // What compiled code needs only on a cold path (a failed assertion, an exhausted pool, a
    // recorded choice, a run-time error), by index: it passes an int constant. An object
    // constant in an expression tree is cast on load, and the JIT hoists those loads with
    // their casts (helper calls) to the method's entry, taken or not.
    private readonly List<object> _cold = new();

    internal int AddCold(object o)
    {
        _cold.Add(o);
        return _cold.Count - 1;
    }

    internal T Cold<T>(int id) => (T)_cold[id];
    internal ActionPlan[] Actions { get; private set; } = [];
    internal InvariantPlan[] Invariants { get; private set; } = [];
    // Checks of all conjuncts in order (the IL's grouped delegates, or one closure over the
    // conjuncts'): each returns the index of its first false conjunct, or -1; ConjunctAt maps
    // the index to (invariant, conjunct).
    internal SFn[] InvariantChecks { get; private set; } = [];
    internal (int Invariant, int Conjunct)[] ConjunctAt { get; private set; } = [];
    internal SFn[] Queries { get; private set; } = [];
    internal Dictionary<string, int> ActionIndex { get; } = new(StringComparer.Ordinal);
    internal Dictionary<int, int> LocalSlots { get; } = new();
    private ExprCompiler _exprs = null!;

    /// How actions, invariants and queries run: compiled to IL (the default), or as the
    /// closure trees of <see cref="ExprCompiler"/> and <see cref="StmtCompiler"/>, which the IL
    /// falls back on for rare forms and which tests compare it against.
    public static Evaluator DefaultEvaluator { get; } =
        Environment.GetEnvironmentVariable("FORMAL_EVALUATOR") == "closures" ? Evaluator.Closures : Evaluator.Il;

    public Evaluator Evaluator { get; private init; }

    public static CompiledSpec Compile(SpecIr ir) => Compile(ir, DefaultEvaluator);

    public static CompiledSpec Compile(SpecIr ir, Evaluator evaluator)
    {
        var spec = new CompiledSpec(ir) { Evaluator = evaluator };
        var x = new ExprCompiler(spec);
        spec._exprs = x;
        Func<Expr, SFn> scalar;
        if (evaluator == Evaluator.Il)
        {
            var t = new Il.IlExprCompiler(x, spec);
            var il = new Il.IlStmtCompiler(t);
            spec.InitStep = il.Block(ir.Init);
            spec.Actions = ir.Actions.Select(a =>
            {
                var slots = a.Params.Select(x.Slot).ToArray();
                return new ActionPlan(a, slots, il.Action(a, slots, GuardLevels.Of(a), a.Params.Select(FirstValue).ToArray()));
            }).ToArray();
            spec.Parts = il.Parts();
            scalar = t.Lambda;
        }
        else
        {
            CompileClosures(spec, ir, x);
            scalar = x.S;
        }
        foreach (var a in ir.Actions) spec.ActionIndex.TryAdd(a.Name, a.Index);

        var explainer = new Explainer(x);
        spec.Invariants = ir.AllInvariants.Select(inv => new InvariantPlan(inv,
            inv.Conjuncts.Select(c => scalar(c.Expr)).ToArray(),
            inv.Conjuncts.Select(c => explainer.Compile(c.Expr)).ToArray())).ToArray();
        spec.Queries = ir.Queries.Select(q => scalar(q.Conjuncts[0].Expr)).ToArray();
        var all = spec.Invariants.SelectMany((inv, i) => inv.Ir.Conjuncts.Select((c, j) => (Invariant: i, Conjunct: j, c.Expr))).ToArray();
        spec.ConjunctAt = all.Select(a => (a.Invariant, a.Conjunct)).ToArray();
        spec.InvariantChecks = evaluator == Evaluator.Il
            ? new Il.IlExprCompiler(x, spec).FirstFalse(all.Select(a => a.Expr).ToList())
            : [FirstFalse(spec.Invariants.SelectMany(inv => inv.Conjuncts).ToArray())];
        spec.MemorySize = 2 * spec.Layout.Slots + x.ScratchTop + 1;
        return spec;
    }

    private static void CompileClosures(CompiledSpec spec, SpecIr ir, ExprCompiler x)
    {
        var st = new StmtCompiler(x);
        Step emit = m => m.Sink.OnSuccessor(m);
        spec.InitStep = st.Block(ir.Init, emit);
        var actions = new List<ActionPlan>();
        foreach (var a in ir.Actions)
        {
            var slots = a.Params.Select(x.Slot).ToArray();
            var levels = GuardLevels.Of(a);
            Step run = st.Block(a.Body.Skip(levels.Length).ToList(), emit);
            for (int i = a.Params.Count - 1; i >= -1; i--)
            {
                for (int g = levels.Length - 1; g >= 0; g--)
                    if (levels[g] == i) run = Require(x.S(((SRequireIr)a.Body[g]).Cond), run);
                if (i >= 0) run = ParamLoop(a.Params[i], slots[i], run, a.Params.Skip(i + 1).Select(p => (Slot: x.Slot(p), First: FirstValue(p))).ToArray());
            }
            actions.Add(new ActionPlan(a, slots, run));
        }
        spec.Actions = actions.ToArray();
    }

    /// Runs the inner step once per parameter value; undoes the inner step's writes after each.
    /// The inner parameters start at their first values, so that a guard hoisted to this level
    /// that fails with a run-time error reports the step the unhoisted guard would have.
    private static Step ParamLoop(LocalVar p, int slot, Step inner, (int Slot, long First)[] innerParams)
    {
        long first = FirstValue(p);
        long end = first + TypeOps.DomainSize(p.Type);
        return m =>
        {
            for (long v = first; v < end; v++)
            {
                m.M[slot] = v;
                foreach (var (s, f) in innerParams) m.M[s] = f;
                int mark = m.TrailTop;
                inner(m);
                m.Undo(mark);
            }
        };
    }

    private static SFn FirstFalse(SFn[] conjuncts) => m =>
    {
        for (int i = 0; i < conjuncts.Length; i++)
            if (conjuncts[i](m) == 0) return i;
        return -1;
    };

    private static long FirstValue(LocalVar p) => p.Type is IntTy it ? it.Lo : 0;

    private static Step Require(SFn cond, Step k) => m => { if (cond(m) != 0) k(m); };

    public Machine NewMachine() => new(this);

    /// The slot offset of a local (parameters, choices) in a machine's memory.
    internal int SlotOf(LocalVar v) => _exprs.Slot(v);

}
