using Formal.Spec.Ir;

namespace Formal.Spec.Runtime;

/// Receives what running an action produces. Implemented by the engines.
public interface IStepSink
{
    /// A complete successor is in the machine's working region.
    void OnSuccessor(Machine m);

    /// An `assert` inside an action failed (the working region holds the state at that point).
    void OnAssertionFailed(Machine m, SAssertIr assertion);

    /// An `alloc` found no free object in pool <paramref name="pool"/> (an index into
    /// <see cref="CompiledSpec.PoolNames"/>): the model's bound was reached on this path. Only
    /// while the machine does not count them (<see cref="Machine.CountExhausted"/>).
    void OnExhausted(Machine m, int pool);
}

/// One evaluation context (one per worker thread). Memory layout of <see cref="M"/>:
/// [pre-state | working state | frame (locals) | temporaries]. Actions read and write the
/// working state; `old(...)` reads the pre-state. Every write to the working state, and every
/// write to the frame that a branch may need undone, goes through the trail, so a branch is
/// undone by rolling the trail back, without copying. The fields the IL evaluator's actions
/// touch are public fields: expression trees may only use public members, and the JIT inlines
/// no call into them, so they read and write these directly (a property was a call each time).
public sealed class Machine
{
    /// The trail: (offset, old value) pairs, <see cref="Top"/> words of it in use.
    public long[] Trail = new long[256];
    public int Top;

    internal Machine(CompiledSpec spec)
    {
        Spec = spec;
        // Pinned: the generator packs successors straight from it through a pointer.
        M = GC.AllocateArray<long>(spec.MemorySize, pinned: true);
        Parts = spec.Parts;
        Exhausted = new long[spec.PoolNames.Length];
    }

    public CompiledSpec Spec { get; }
    public readonly long[] M;
    public IStepSink Sink = NullSink.Instance;
    /// The compiled parts of actions (<see cref="CompiledSpec.Parts"/>) that compiled code calls.
    public readonly Step[] Parts;
    /// Per pool (<see cref="CompiledSpec.PoolNames"/>): how often an `alloc` found no free
    /// object (the model's bound was reached on that path) since the owner last took the counts,
    /// while <see cref="CountExhausted"/> is set; otherwise each is reported to the sink at once
    /// (its step is then the current one). Counting skips a call chain per hit, and anon_vma's
    /// default configuration hits its bounds 2.6 million times.
    public readonly long[] Exhausted;
    public bool CountExhausted;

    /// The action being run (-1 for init).
    public int ActionIndex { get; internal set; } = -1;

    /// Choices taken on the current path (choose/alloc/either), recorded only when
    /// <see cref="RecordChoices"/> is set (when a trace is rebuilt).
    public bool RecordChoices;
    internal readonly List<(Stmt Node, long Value)> Choices = new();

    public int WorkBase => Spec.Layout.Slots;
    public int TrailTop => Top;

    // The closures' assignment (the IL writes the same code out at each assignment).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Write(int offset, long value)
    {
        long old = M[offset];
        if (old == value) return;
        int top = Top;
        var trail = Trail;
        if (top + 2 > trail.Length) trail = GrowTrail();
        trail[top] = offset;
        trail[top + 1] = old;
        Top = top + 2;
        M[offset] = value;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public long[] GrowTrail()
    {
        Array.Resize(ref Trail, Trail.Length * 2);
        return Trail;
    }

    public void Undo(int mark)
    {
        var t = Trail;
        var mem = M;
        int top = Top;
        while (top > mark)
        {
            long old = t[--top];
            int off = (int)t[--top];
            mem[off] = old;
        }
        Top = top;
    }

    internal void PushChoice(Stmt node, long value)
    {
        if (RecordChoices) Choices.Add((node, value));
    }

    // The compiled code's cold paths, by index into the spec's table (CompiledSpec.Cold); not
    // inlined, so that their code stays out of the compiled actions.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public void PushChoiceAt(int node, long value) => PushChoice(Spec.Cold<Stmt>(node), value);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public void AssertionFailedAt(int assertion) => Sink.OnAssertionFailed(this, Spec.Cold<SAssertIr>(assertion));

    /// An exhausted pool: counted or reported (see <see cref="Exhausted"/>); compiled code
    /// counts in line and calls this only when it does not count.
    public void ExhaustedAt(int pool)
    {
        if (CountExhausted) Exhausted[pool]++;
        else Sink.OnExhausted(this, pool);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public Exception ErrorAt(int error, long value)
    {
        var (span, format) = Spec.Cold<(Diagnostics.SourceSpan, string)>(error);
        return new EvalError(span, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, value));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public Exception KeyErrorAt(int error, long key)
    {
        var (span, keyTy) = Spec.Cold<(Diagnostics.SourceSpan, Types.Ty)>(error);
        return ExprCompiler.KeyError(span, key, keyTy);
    }

    /// The number of recorded choices (0 when not recording), to truncate back to.
    public int ChoiceTop => RecordChoices ? Choices.Count : 0;

    /// Drops the choices recorded after <paramref name="top"/> (compiled code backtracks by
    /// jumping, past the pops of the choice points it leaves).
    public void TruncateChoices(int top)
    {
        if (RecordChoices && Choices.Count > top) Choices.RemoveRange(top, Choices.Count - top);
    }

    internal void PopChoice()
    {
        if (RecordChoices && Choices.Count > 0) Choices.RemoveAt(Choices.Count - 1);
    }

    public ReadOnlySpan<long> WorkingState => M.AsSpan(WorkBase, Spec.Layout.Slots);

    private sealed class NullSink : IStepSink
    {
        public static readonly NullSink Instance = new();
        public void OnSuccessor(Machine m) { }
        public void OnAssertionFailed(Machine m, SAssertIr assertion) { }
        public void OnExhausted(Machine m, int pool) { }
    }
}
