using Formal.Spec.Ir;

namespace Formal.Spec.Runtime;

/// Receives what running an action produces. Implemented by the engines.
public interface IStepSink
{
    /// A complete successor is in the machine's working region.
    void OnSuccessor(Machine m);

    /// An `assert` inside an action failed (the working region holds the state at that point).
    void OnAssertionFailed(Machine m, SAssertIr assertion);

    /// An `alloc` found no free object: the model's bound was reached on this path.
    void OnExhausted(Machine m, SAllocIr alloc);
}

/// One evaluation context (one per worker thread). Memory layout of <see cref="M"/>:
/// [pre-state | working state | frame (locals) | temporaries]. Actions read and write the
/// working state; `old(...)` reads the pre-state. Every write to the working state or the frame
/// goes through the trail, so a branch is undone by rolling the trail back, without copying.
public sealed class Machine
{
    private long[] _trail = new long[256];
    private int _top;

    internal Machine(CompiledSpec spec)
    {
        Spec = spec;
        M = new long[spec.MemorySize];
    }

    public CompiledSpec Spec { get; }
    public long[] M { get; }
    public IStepSink Sink { get; set; } = NullSink.Instance;

    /// The action being run (-1 for init).
    public int ActionIndex { get; internal set; } = -1;

    /// Choices taken on the current path (choose/alloc/either), recorded only when
    /// <see cref="RecordChoices"/> is set (when a trace is rebuilt).
    public bool RecordChoices { get; set; }
    internal readonly List<(Stmt Node, long Value)> Choices = new();

    public int WorkBase => Spec.Layout.Slots;
    public int TrailTop => _top;

    /// The writes since the trail was last emptied, as (offset, old value) pairs.
    internal ReadOnlySpan<long> TrailEntries => _trail.AsSpan(0, _top);

    // Inlined into compiled actions (every assignment is one); the rare growth stays out of line.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Write(int offset, long value)
    {
        long old = M[offset];
        if (old == value) return;
        int top = _top;
        if (top + 2 > _trail.Length) GrowTrail();
        _trail[top] = offset;
        _trail[top + 1] = old;
        _top = top + 2;
        M[offset] = value;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void GrowTrail() => Array.Resize(ref _trail, _trail.Length * 2);

    public void Undo(int mark)
    {
        var t = _trail;
        var mem = M;
        while (_top > mark)
        {
            long old = t[--_top];
            int off = (int)t[--_top];
            mem[off] = old;
        }
    }

    internal void PushChoice(Stmt node, long value)
    {
        if (RecordChoices) Choices.Add((node, value));
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
        public void OnExhausted(Machine m, SAllocIr alloc) { }
    }
}
