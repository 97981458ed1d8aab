using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;
using E = System.Linq.Expressions.Expression;

namespace Formal.Spec.Runtime.Il;

/// Compiles action bodies to IL in direct style. A body is a tree of nondeterministic choices;
/// each choice point (parameter value, `choose`, `either` branch) becomes a loop or a sequence
/// whose alternatives run the rest of the body inline, and a failing `require` jumps to the
/// innermost choice point's next alternative, which rolls the trail back. Deterministic
/// statements run in line. Where the rest of a body would be copied into several alternatives
/// (the branches of an `either`, or an `if` that chooses), a long rest is compiled once as a
/// delegate of its own, so code grows linearly with the spec. The semantics are those of
/// <see cref="StmtCompiler"/>'s continuations, path for path and in the same order.
internal sealed class IlStmtCompiler(IlExprCompiler t) : ISlotWriter
{
    /// A rest up to this many statements is copied into each alternative instead of compiled apart.
    private const int InlineRestLimit = 6;

    // Expression nodes a loop's unrolled copies may take in all. Without a bound, anon_vma's
    // munmap and mremap grew past the JIT's limit (68,744 and 83,199 IL bytes), were compiled
    // unoptimised, and munmap alone took 12% of the run; with 1,000 to 4,000 the largest
    // delegate has 46-49 K IL bytes and the run is about 15% faster (one worker).
    private const int UnrollBudget = 4000;

    private LabelTarget _fail = null!;
    private string _name = "";
    private int _parts;
    private readonly Dictionary<Stmt, bool> _det = new(ReferenceEqualityComparer.Instance);
    private readonly List<Step?> _table = new();

    /// The delegates that compiled code calls (<see cref="Machine.Parts"/>), once all are compiled.
    public Step[] Parts() => _table.Select(p => p ?? throw new InvalidOperationException("a part left uncompiled")).ToArray();

    private int AddPart(Step? step)
    {
        _table.Add(step);
        return _table.Count - 1;
    }

    private ParameterExpression M => t.Mach;

    private static readonly MethodInfo GrowMethod = typeof(Machine).GetMethod(nameof(Machine.GrowTrail))!;
    private static readonly MethodInfo UndoMethod = typeof(Machine).GetMethod(nameof(Machine.Undo))!;
    private static readonly MethodInfo TruncateMethod = typeof(Machine).GetMethod(nameof(Machine.TruncateChoices))!;
    private static readonly MethodInfo PushMethod = typeof(Machine).GetMethod(nameof(Machine.PushChoiceAt))!;
    private static readonly MethodInfo SuccessorMethod = typeof(IStepSink).GetMethod(nameof(IStepSink.OnSuccessor))!;
    private static readonly MethodInfo AssertMethod = typeof(Machine).GetMethod(nameof(Machine.AssertionFailedAt))!;
    private static readonly MethodInfo ExhaustedMethod = typeof(Machine).GetMethod(nameof(Machine.ExhaustedAt))!;
    private static readonly MethodInfo TzcntMethod = typeof(BitOperations).GetMethod(nameof(BitOperations.TrailingZeroCount), [typeof(ulong)])!;

    // What follows a statement list: nothing (a deterministic sub-block falls through), the
    // successor, the rest of an enclosing list, or a compiled delegate.
    private abstract record Cont;
    private sealed record EmitK : Cont { public static readonly EmitK Instance = new(); }
    private sealed record SeqK(IReadOnlyList<Stmt> Stmts, int Index, Cont? Next) : Cont;
    // A delegate of the parts table (a shared rest, or the next iteration of a loop that
    // chooses, whose delegate is compiled after its body).
    private sealed record StepK(int Part) : Cont;

    // ------------------------------------------------------------------ entry points

    /// A statement list followed by the successor, as one delegate (init).
    public Step Block(IReadOnlyList<Stmt> stmts)
    {
        _name = "init";
        return Lambda(() => Gen(stmts, 0, EmitK.Instance));
    }

    // Parameter combinations up to which an action's parameter loops are unrolled.
    private const int MaxUnrolledCombinations = 64;

    /// An action: a loop per parameter, each guard at the level of the deepest parameter it
    /// mentions (see <see cref="GuardLevels"/>), then the rest of the body.
    public Step Action(ActionIr a, int[] slots, int[] levels, long[] firsts)
    {
        var body = a.Body.Skip(levels.Length).ToList();
        _name = a.Name;
        _parts = 0;
        E Guards(int level, E inner)
        {
            var parts = new List<E>();
            for (int g = 0; g < levels.Length; g++)
                if (levels[g] == level) parts.Add(E.IfThen(E.Not(t.B(((SRequireIr)a.Body[g]).Cond)), E.Goto(_fail)));
            parts.Add(inner);
            return E.Block(typeof(void), parts);
        }
        long combinations = a.Params.Aggregate(1L, (n, p) => n * TypeOps.DomainSize(p.Type));
        if (a.Params.Count > 0 && combinations <= MaxUnrolledCombinations)
            return Unrolled(a, slots, firsts, body, Guards);
        var lv = new Levels(a.Params.Count);
        E Level(int i)
        {
            if (i == a.Params.Count) return Gen(body, 0, EmitK.Instance);
            long first = firsts[i], count = TypeOps.DomainSize(a.Params[i].Type);
            return Leveled(lv, i, () => t.ForEach(new IlCount(first, count), v => Alternative(() =>
            {
                var parts = ParamSlots(slots, firsts, i, v);
                parts.Add(Guards(i, Level(i + 1)));
                return E.Block(typeof(void), parts);
            })));
        }
        return Split(lv, () => Guards(-1, Level(0)));
    }

    // Branching nodes (see ExprSize.Branches) a delegate may have before the loops of an
    // action's parameters are split.
    private const int BranchBudget = 1000;

    /// An action with few parameter combinations: the parameter loops are unrolled, each value
    /// known while its guards are compiled, so that guards on constants fold away (anon_vma's
    /// `start < end`, `allowed(prot)`) and the others read fixed offsets (`covered(proc, start,
    /// end)`). The body is compiled once, apart, reading the parameters from their slots, and
    /// called for each combination whose guards hold. The slots are written at every level as
    /// in the loops.
    private Step Unrolled(ActionIr a, int[] slots, long[] firsts, List<Stmt> body, Func<int, E, E> guards)
    {
        var run = new StepK(AddPart(Lambda(() => Gen(body, 0, EmitK.Instance), "body")));
        var lv = new Levels(a.Params.Count);
        E Level(int i)
        {
            if (i == a.Params.Count) return Alternative(() => Run(run));
            var values = new List<E>();
            long first = firsts[i], count = TypeOps.DomainSize(a.Params[i].Type);
            for (long v = first; v < first + count; v++)
            {
                long value = v;
                values.Add(Leveled(lv, i, () => t.Knowing(a.Params[i], value, () =>
                {
                    // A failing guard skips to the next value of this parameter.
                    var saved = _fail;
                    _fail = E.Label("next_value");
                    try
                    {
                        var parts = ParamSlots(slots, firsts, i, E.Constant(value));
                        parts.Add(guards(i, Level(i + 1)));
                        parts.Add(E.Label(_fail));
                        return E.Block(typeof(void), parts);
                    }
                    finally { _fail = saved; }
                })));
            }
            return Seq(values);
        }
        return Split(lv, () => guards(-1, Level(0)));
    }

    // What the levels of an action's parameters weigh in branching nodes, summed and at most
    // over their copies, and the one level compiled apart (one delegate per copy; -1: none).
    // A copy is a parameter's loop with its guards and everything inside, or, unrolled, one of
    // its values with its guards and everything inside.
    private sealed class Levels(int n)
    {
        public readonly int[] Sum = new int[n], Max = new int[n];
        public int Apart = -1;
    }

    private E Leveled(Levels lv, int i, Func<E> build)
    {
        if (i == lv.Apart) return Run(new StepK(AddPart(Lambda(build, "level"))));
        var e = build();
        int b = ExprSize.Branches(e, int.MaxValue);
        lv.Sum[i] += b;
        lv.Max[i] = Math.Max(lv.Max[i], b);
        return e;
    }

    /// An action's delegate. Guards over unrolled quantifiers make many small blocks: anon_vma's
    /// mremap, its 32 parameter combinations unrolled, had about 1,500 branching nodes and was
    /// compiled unoptimised (past the JIT's 2,000 blocks), at 3.4 % of a run. An action over the
    /// budget is built again with the outermost level whose copies fit the budget apart, so
    /// that what stays in the action fits too (parts the first build compiled stay unused).
    private Step Split(Levels lv, Func<E> top)
    {
        var built = Build(top);
        int total = ExprSize.Branches(built, int.MaxValue);
        if (total <= BranchBudget) return Compile(built, null);
        for (int k = 1; k < lv.Sum.Length && lv.Apart < 0; k++)
            if (lv.Max[k] <= BranchBudget && total - lv.Sum[k] <= BranchBudget) lv.Apart = k;
        for (int k = 1; k < lv.Sum.Length && lv.Apart < 0; k++)
            if (lv.Max[k] <= BranchBudget) lv.Apart = k;
        return lv.Apart < 0 ? Compile(built, null) : Lambda(top);
    }

    // Parameter i takes value v and the inner ones their first values, so that a guard hoisted
    // to this level that fails with a run-time error names the step the unhoisted one would.
    private List<E> ParamSlots(int[] slots, long[] firsts, int i, E v)
    {
        var parts = new List<E> { E.Assign(t.Cell(slots[i]), v) };
        for (int j = i + 1; j < slots.Length; j++) parts.Add(E.Assign(t.Cell(slots[j]), E.Constant(firsts[j])));
        return parts;
    }

    /// A compiled delegate: a path that fails returns; choices it recorded are dropped on
    /// return, so that a caller's recorded choices stay as they were.
    private Step Lambda(Func<E> body, string? part = null) => Compile(Build(body), part);

    /// The body of a delegate (compiled apart, see <see cref="IlExprCompiler.Apart"/>), not yet
    /// compiled.
    private E Build(Func<E> body) => t.Apart(() =>
    {
        var saved = _fail;
        _fail = E.Label("fail");
        try
        {
            var top = E.Variable(typeof(int), "choices");
            return E.Block(typeof(void), [top],
                E.Assign(top, ChoiceTop),
                body(),
                E.Label(_fail),
                Truncate(top));
        }
        finally { _fail = saved; }
    });

    // Named after the action (and the part of it), so that profiles can tell them apart.
    private Step Compile(E built, string? part) =>
        E.Lambda<Step>(t.WithMem(built), part is null ? _name : $"{_name}_{part}{++_parts}", [M]).Compile();

    /// One alternative of a choice point: its writes and choices are undone afterwards, and a
    /// failing path inside it jumps to that undo.
    private E Alternative(Func<E> body)
    {
        var saved = _fail;
        _fail = E.Label("next");
        try
        {
            var mark = E.Variable(typeof(int), "mark");
            var top = E.Variable(typeof(int), "choices");
            return E.Block(typeof(void), [mark, top],
                E.Assign(mark, E.Field(M, nameof(Machine.Top))),
                E.Assign(top, ChoiceTop),
                body(),
                E.Label(_fail),
                // Most alternatives (a parameter value whose guard fails) wrote nothing.
                E.IfThen(E.GreaterThan(E.Field(M, nameof(Machine.Top)), mark), E.Call(M, UndoMethod, mark)),
                Truncate(top));
        }
        finally { _fail = saved; }
    }

    // Choices are recorded only while a trace is rebuilt: the calls (and the loads of the
    // statement constants) are skipped otherwise.
    private E Recording => E.Field(M, nameof(Machine.RecordChoices));

    private E ChoiceTop => E.Condition(Recording, E.Property(M, nameof(Machine.ChoiceTop)), E.Constant(0));

    private E Truncate(ParameterExpression top) => E.IfThen(Recording, E.Call(M, TruncateMethod, top));

    private E Push(Stmt node, E value) => E.IfThen(Recording, E.Call(M, PushMethod, E.Constant(t.Cold(node)), value));

    // ------------------------------------------------------------------ sequences

    private E Gen(IReadOnlyList<Stmt> stmts, int i, Cont? k)
    {
        var parts = new List<E>();
        for (; i < stmts.Count; i++)
        {
            var s = stmts[i];
            if (IsDet(s))
            {
                // An allocated object and a scalar let live in IL variables over the rest of
                // the list; their slots are written only if something reads them there (code
                // compiled apart, a closure), with the trail when the rest makes a choice.
                if (s is SAllocIr al) return InScope(parts, stmts, i + 1, k, (rest, slots) => AllocThen(al, rest, slots));
                if (s is SLetIr l && TypeOps.IsScalar(l.Local.Type))
                    return InScope(parts, stmts, i + 1, k, (rest, slots) => t.Bound([l.Local], [l.Value], rest, slots));
                parts.Add(Det(s, ScopeDet(stmts, i + 1)));
                continue;
            }
            parts.Add(NonDet(s, Rest(stmts, i + 1, k)));
            return Seq(parts);
        }
        parts.Add(Run(k));
        return Seq(parts);
    }

    /// <paramref name="parts"/>, then a binding whose scope is the rest of the list from
    /// <paramref name="i"/>. A rest that makes no choice is compiled inside it and the
    /// continuation after it, outside; otherwise the continuation too is in the scope, and the
    /// binding's slots are written with the trail.
    private E InScope(List<E> parts, IReadOnlyList<Stmt> stmts, int i, Cont? k, Func<Func<E>, ISlotWriter?, E> bind)
    {
        if (ScopeDet(stmts, i))
        {
            parts.Add(bind(() => Gen(stmts, i, null), null));
            parts.Add(Run(k));
        }
        else parts.Add(bind(() => Gen(stmts, i, k), this));
        return Seq(parts);
    }

    private static E Seq(List<E> parts) => parts.Count == 1 && parts[0].Type == typeof(void) ? parts[0] : E.Block(typeof(void), parts);

    private static Cont? Rest(IReadOnlyList<Stmt> stmts, int i, Cont? k) => i < stmts.Count ? new SeqK(stmts, i, k) : k;

    private E Run(Cont? k) => k switch
    {
        null => E.Empty(),
        EmitK => E.Call(E.Field(M, nameof(Machine.Sink)), SuccessorMethod, M),
        SeqK s => Gen(s.Stmts, s.Index, s.Next),
        // Read from the machine's table rather than loaded as a constant: compiled expression
        // trees keep object constants in an object[] and cast each on load (a helper call).
        StepK s => E.Invoke(E.ArrayIndex(E.Field(M, nameof(Machine.Parts)), E.Constant(s.Part)), M),
        _ => throw new InvalidOperationException("continuation"),
    };

    /// The continuation as something cheap to run from several places.
    private Cont Shared(Cont? k)
    {
        if (k is null) throw new InvalidOperationException("a choice inside a deterministic block");
        if (k is not SeqK || Size(k) <= InlineRestLimit) return k;
        return new StepK(AddPart(Lambda(() => Run(k), "rest")));
    }

    private int Size(Cont? k) => k switch
    {
        SeqK s => s.Stmts.Skip(s.Index).Sum(Size) + Size(s.Next),
        _ => 0,
    };

    private int Size(Stmt s) => s switch
    {
        SIfIr f => 1 + f.Then.Sum(Size) + f.Else.Sum(Size),
        SForIr f => 1 + f.Body.Sum(Size),
        SEitherIr e => 1 + e.Branches.Sum(b => b.Sum(Size)),
        SCallIr c => 1 + c.Proc.Body.Sum(Size),
        _ => 1,
    };

    private bool IsDet(Stmt s)
    {
        if (_det.TryGetValue(s, out bool d)) return d;
        d = s switch
        {
            SEitherIr e => LiveBranch(e) is int j && (j == NoBranch || (j >= 0 && e.Branches[j].All(IsDet))),
            SChooseIr => false,
            SIfIr f => f.Then.All(IsDet) && f.Else.All(IsDet),
            SForIr f => f.Body.All(IsDet),
            SCallIr c => c.Proc.Body.All(IsDet),
            _ => true,
        };
        _det[s] = d;
        return d;
    }

    private const int NoBranch = -2, SeveralBranches = -1;

    /// The one branch of an `either` that is not dead in this configuration (a branch is dead
    /// when it begins with a `require` that is constantly false, as anon_vma's `require OOM`
    /// when OOM is off), or <see cref="NoBranch"/> or <see cref="SeveralBranches"/>. Such an
    /// `either` makes no choice: compiled in line, its locals need no trail and what follows it
    /// needs no shared delegate (anon_vma's munmap becomes straight-line code). The closures
    /// try the dead branches too, which fail at once: the paths are the same.
    private static int LiveBranch(SEitherIr e)
    {
        int live = NoBranch;
        for (int j = 0; j < e.Branches.Count; j++)
        {
            var b = e.Branches[j];
            if (b.Count > 0 && b[0] is SRequireIr r && ConstantlyFalse(r.Cond)) continue;
            if (live != NoBranch) return SeveralBranches;
            live = j;
        }
        return live;
    }

    private static bool ConstantlyFalse(Expr e) => Constant(e) == 0;

    // The value of a condition made of constants only (configuration constants are constants
    // in the IR), or null.
    private static long? Constant(Expr e) => e switch
    {
        EConst c => c.Value,
        EUnary { Op: UnOp.Not } u => Constant(u.Operand) is long v ? 1 - v : null,
        EBinary { Op: BinOp.And } b => (Constant(b.Left), Constant(b.Right)) switch { (0, _) or (_, 0) => 0, (1, 1) => 1, _ => null },
        EBinary { Op: BinOp.Or } b => (Constant(b.Left), Constant(b.Right)) switch { (1, _) or (_, 1) => 1, (0, 0) => 0, _ => null },
        EBinary b when Constant(b.Left) is long l && Constant(b.Right) is long r => b.Op switch
        {
            BinOp.Eq => l == r ? 1 : 0,
            BinOp.Ne => l != r ? 1 : 0,
            BinOp.Lt => l < r ? 1 : 0,
            BinOp.Le => l <= r ? 1 : 0,
            BinOp.Gt => l > r ? 1 : 0,
            BinOp.Ge => l >= r ? 1 : 0,
            _ => null,
        },
        _ => null,
    };

    // ------------------------------------------------------------------ choices

    private E NonDet(Stmt s, Cont? rest)
    {
        switch (s)
        {
            case SChooseIr c:
            {
                // The chosen value lives in the loop's IL variable (its slot written, with the
                // trail where the rest chooses, only when something reads it there).
                var domain = t.Domain(c.Domain);
                var slots = ScopeDet(rest) ? null : this;
                return t.ForEach(domain, v => Alternative(() => t.WithLocal(c.Local, v, () =>
                {
                    var take = E.Block(typeof(void), Push(c, v), Run(rest));
                    return c.Pred is null ? take : E.IfThen(t.B(c.Pred), take);
                }, slots)));
            }
            case SEitherIr e:
            {
                var k = e.Branches.Count > 1 ? Shared(rest) : rest;
                var parts = new List<E>();
                for (int j = 0; j < e.Branches.Count; j++)
                {
                    int branch = j;
                    parts.Add(Alternative(() => E.Block(typeof(void),
                        Push(e, E.Constant((long)branch)),
                        Gen(e.Branches[branch], 0, k))));
                }
                return Seq(parts);
            }
            case SIfIr f:
            {
                var k = Shared(rest);
                return E.IfThenElse(t.B(f.Cond), Gen(f.Then, 0, k), Gen(f.Else, 0, k));
            }
            case SCallIr c:
                return t.Bound(c.Proc.Params, c.Args, () => Gen(c.Proc.Body, 0, rest), this);
            case SForIr f: return ChoosingFor(f, rest);
        }
        throw new InvalidOperationException($"no compilation for {s.GetType().Name}");
    }

    /// A loop whose body chooses: each iteration's continuation is the next iteration, a
    /// delegate that resumes from the loop state kept in trailed slots (as in
    /// <see cref="StmtCompiler"/>), and the last one's is the rest.
    private E ChoosingFor(SForIr f, Cont? rest)
    {
        int state = t.Closures.Alloc(2);
        var domain = t.Domain(f.Domain);
        var k = Shared(rest);
        var next = new StepK(AddPart(null));
        _table[next.Part] = Lambda(part: "loop", body: () =>
        {
            // The body's paths end in the next iteration; then this one is done.
            // The variable lives in the iteration's IL variable (see the choose above); only
            // the resume point is kept in a slot, for the next iteration's delegate.
            E Iteration(E v, E resume) => E.Block(typeof(void),
                Write(E.Constant(state), resume),
                t.WithLocal(f.Local, v, () =>
                {
                    var body = E.Block(typeof(void), Gen(f.Body, 0, next), E.Goto(_fail));
                    return f.Pred is null ? body : E.IfThen(t.B(f.Pred), body);
                }, this));
            var done = E.Label("loop_done");
            var v = E.Variable(typeof(long), "v");
            E loop;
            switch (domain)
            {
                case IlMask:
                {
                    var bits = E.Variable(typeof(ulong), "bits");
                    loop = E.Block(typeof(void), [v, bits],
                        E.Assign(bits, E.Convert(t.Read(state), typeof(ulong))),
                        E.Loop(E.Block(
                            E.IfThen(E.Equal(bits, E.Constant(0UL)), E.Break(done)),
                            E.Assign(v, E.Convert(E.Call(TzcntMethod, bits), typeof(long))),
                            E.Assign(bits, E.And(bits, E.Subtract(bits, E.Constant(1UL)))),
                            Iteration(v, E.Convert(bits, typeof(long)))), done));
                    break;
                }
                case IlCount or IlRange:
                    loop = E.Block(typeof(void), [v],
                        E.Assign(v, t.Read(state)),
                        E.Loop(E.Block(
                            E.IfThen(domain is IlCount cd ? E.GreaterThanOrEqual(v, E.Constant(cd.First + cd.Count)) : E.GreaterThan(v, t.Read(state + 1)), E.Break(done)),
                            Iteration(v, E.Increment(v)),
                            E.PreIncrementAssign(v)), done));
                    break;
                default:
                    throw new InvalidOperationException("domain");
            }
            return E.Block(typeof(void), loop, Run(k));
        });
        return domain switch
        {
            IlMask md => E.Block(typeof(void), Write(E.Constant(state), md.Mask), Run(next)),
            IlCount cd => E.Block(typeof(void), Write(E.Constant(state), E.Constant(cd.First)), Run(next)),
            IlRange rd => E.Block(typeof(void), Write(E.Constant(state), rd.Lo), Write(E.Constant(state + 1), rd.Hi), Run(next)),
            _ => throw new InvalidOperationException("domain"),
        };
    }

    // ------------------------------------------------------------------ deterministic statements

    /// True when no statement from <paramref name="i"/> on makes a choice. A local bound just
    /// before is then written without the trail: no alternative can resume inside its scope
    /// and read it again (after a later call of the same procedure wrote its slot), and every
    /// local has a slot of its own.
    private bool ScopeDet(IReadOnlyList<Stmt> stmts, int i)
    {
        for (; i < stmts.Count; i++)
            if (!IsDet(stmts[i])) return false;
        return true;
    }

    private bool ScopeDet(Cont? rest) => rest is not SeqK s || ScopeDet(s.Stmts, s.Index);

    private E Det(Stmt s, bool scopeDet)
    {
        switch (s)
        {
            case SAssignIr a: return Assign(a);
            case SParallelIr p: return Parallel(p);
            case SRequireIr r: return E.IfThen(E.Not(t.B(r.Cond)), E.Goto(_fail));
            case SAssertIr a:
                return E.IfThen(E.Not(t.B(a.Cond)), E.Block(
                    E.Call(M, AssertMethod, E.Constant(t.Cold(a))),
                    E.Goto(_fail)));
            case SLetIr l: return Bind(l.Local, l.Value, trailed: !scopeDet);
            case SIfIr f: return E.IfThenElse(t.B(f.Cond), Gen(f.Then, 0, null), Gen(f.Else, 0, null));
            case SForIr f: return For(f);
            case SCallIr c: return t.Bound(c.Proc.Params, c.Args, () => Gen(c.Proc.Body, 0, null));
            case SSkipIr: return E.Empty();
            case SEitherIr e:
            {
                int j = LiveBranch(e);
                if (j == NoBranch) return E.Goto(_fail);
                return E.Block(typeof(void), Push(e, E.Constant((long)j)), Gen(e.Branches[j], 0, null));
            }
        }
        throw new InvalidOperationException($"no compilation for {s.GetType().Name}");
    }

    /// <see cref="Machine.Write"/>, written out: the JIT does not inline calls into the compiled
    /// actions, and an assignment is their most frequent statement.
    private E Write(E offset, E value)
    {
        E at = offset is ConstantExpression ? offset : t.WriteOff;
        ParameterExpression val = t.WriteVal, old = t.WriteOld, top = t.WriteTop, trail = t.WriteTrail;
        var topField = E.Field(M, nameof(Machine.Top));
        var body = new List<E>();
        if (at != offset) body.Add(E.Assign(t.WriteOff, offset));
        body.Add(E.Assign(val, value));
        body.Add(E.Assign(old, E.ArrayIndex(t.Mem, at)));
        body.Add(E.IfThen(E.NotEqual(old, val), E.Block(
            E.Assign(top, topField),
            E.Assign(trail, E.Field(M, nameof(Machine.Trail))),
            E.IfThen(E.GreaterThan(E.Add(top, E.Constant(2)), E.ArrayLength(trail)), E.Assign(trail, E.Call(M, GrowMethod))),
            E.Assign(E.ArrayAccess(trail, top), E.Convert(at, typeof(long))),
            E.Assign(E.ArrayAccess(trail, E.Add(top, E.Constant(1))), old),
            E.Assign(topField, E.Add(top, E.Constant(2))),
            E.Assign(E.ArrayAccess(t.Mem, at), val))));
        return E.Block(typeof(void), body);
    }

    E ISlotWriter.Write(int slot, E value) => Write(E.Constant(slot), value);

    E ISlotWriter.Bind(LocalVar local, Expr value) => Bind(local, value, trailed: true);

    private E Bind(LocalVar local, Expr value, bool trailed)
    {
        if (!trailed) return t.BindLocal(local, value);
        int slot = t.Slot(local);
        if (TypeOps.IsScalar(local.Type)) return Write(E.Constant(slot), t.S(value));
        return CopyTrailed(t.C(value), E.Constant(slot), TypeOps.Width(local.Type));
    }

    private E CopyTrailed(E src, E dst, int width)
    {
        var s = E.Variable(typeof(int), "src");
        var d = E.Variable(typeof(int), "dst");
        var parts = new List<E> { E.Assign(s, src), E.Assign(d, dst) };
        for (int i = 0; i < width; i++) parts.Add(Write(E.Add(d, E.Constant(i)), t.Read(E.Add(s, E.Constant(i)))));
        parts.Add(E.Empty());
        return E.Block(typeof(void), [s, d], parts);
    }

    private E Assign(SAssignIr a)
    {
        if (TypeOps.IsScalar(a.Target.Type))
        {
            var v = E.Variable(typeof(long), "value");
            var value = t.S(a.Value);
            return E.Block(typeof(void), [v], E.Assign(v, value), Write(IlExprCompiler.Offset(t.L(a.Target)), v));
        }
        return CopyTrailed(t.C(a.Value), IlExprCompiler.Offset(t.L(a.Target)), TypeOps.Width(a.Target.Type));
    }

    private E Parallel(SParallelIr p)
    {
        if (p.Assignments.Count == 1) return Assign(p.Assignments[0]);
        var compute = new List<E>();
        var writes = new List<E>();
        var vars = new List<ParameterExpression>();
        foreach (var a in p.Assignments)
        {
            int w = TypeOps.Width(a.Target.Type);
            int tmp = t.Closures.Alloc(w);
            compute.Add(TypeOps.IsScalar(a.Value.Type) ? E.Assign(t.Cell(tmp), t.S(a.Value)) : t.CopySlots(t.C(a.Value), E.Constant(tmp), w));
            var at = E.Variable(typeof(int), "at");
            vars.Add(at);
            compute.Add(E.Assign(at, IlExprCompiler.Offset(t.L(a.Target))));
            for (int j = 0; j < w; j++) writes.Add(Write(E.Add(at, E.Constant(j)), t.Read(tmp + j)));
        }
        compute.AddRange(writes);
        compute.Add(E.Empty());
        return E.Block(typeof(void), vars, compute);
    }

    /// Takes the lowest free object (see <see cref="StmtCompiler"/>), then runs
    /// <paramref name="rest"/>; none free: the bound is counted and the path ends. The object
    /// lives in an IL variable (its slot written by <paramref name="slots"/> when read there).
    private E AllocThen(SAllocIr a, Func<E> rest, ISlotWriter? slots)
    {
        var bits = E.Variable(typeof(ulong), "free");
        var v = E.Variable(typeof(long), "obj");
        var found = E.Label("allocated");
        var exhausted = E.Block(
            Exhausted(t.PoolIndex(a.PoolName)),
            E.Goto(_fail));
        return E.Block(typeof(void), [bits, v],
            E.Assign(bits, E.Convert(Candidates(a), typeof(ulong))),
            E.Loop(E.Block(
                E.IfThen(E.Equal(bits, E.Constant(0UL)), exhausted),
                E.Assign(v, E.Convert(E.Call(TzcntMethod, bits), typeof(long))),
                E.Assign(bits, E.And(bits, E.Subtract(bits, E.Constant(1UL)))),
                a.Pred is null ? E.Break(found) : t.WithLocal(a.Local, v, () => E.IfThen(t.B(a.Pred), E.Break(found)))), found),
            Push(a, v),
            t.WithLocal(a.Local, v, rest, slots));
    }

    // Machine.ExhaustedAt with the counting case in line (the hot one: a deferring engine).
    private E Exhausted(int pool) => E.IfThenElse(E.Field(M, nameof(Machine.CountExhausted)),
        E.PreIncrementAssign(E.ArrayAccess(E.Field(M, nameof(Machine.Exhausted)), E.Constant(pool))),
        E.Call(M, ExhaustedMethod, E.Constant(pool)));

    private E Candidates(SAllocIr a) => t.Domain(a.Domain) switch
    {
        IlMask md => md.Mask,
        IlCount cd => E.Constant(cd.Count >= 64 ? -1L : (long)((1UL << (int)cd.Count) - 1)),
        _ => throw new InvalidOperationException("alloc domain"),
    };

    /// A loop with a deterministic body: a small fixed domain is unrolled with the variable
    /// known in each copy.
    private E For(SForIr f)
    {
        // The body makes no choice, so nothing of it is compiled apart: the variable lives in
        // the loop's IL variable (or is known, in an unrolled copy), and in its slot only when
        // something reads it there.
        E Iteration(E v) => t.WithLocal(f.Local, v, () =>
            f.Pred is null ? Gen(f.Body, 0, null) : E.IfThen(t.B(f.Pred), Gen(f.Body, 0, null)));
        var domain = t.Domain(f.Domain);
        if (domain is IlCount cd && cd.Count <= 8)
        {
            var parts = new List<E>();
            int size = 0;
            for (long v = cd.First; v < cd.First + cd.Count && size <= UnrollBudget; v++)
            {
                long value = v;
                var part = Iteration(E.Constant(value));
                size += ExprSize.Of(part, UnrollBudget);
                parts.Add(part);
            }
            // Copies too large in all are one loop instead (a nested loop has unrolled already).
            if (size <= UnrollBudget)
            {
                parts.Add(E.Empty());
                return E.Block(typeof(void), parts);
            }
        }
        return t.ForEach(domain, Iteration);
    }
}
