namespace Formal.Spec.Runtime;

/// A parent's successors held back until all its actions have run (for visitors that
/// <see cref="IStateVisitor.MayDefer"/>), in generation order: other successors with their
/// packed words and own fingerprint, and failed assertions (rare, with the step's label), each
/// entry with the number of stutters (the parent itself) generated just before it. Stutters are
/// a third of anon_vma's successors: as counts they cost no entry, and handing over does not
/// branch on each. Grows to the largest parent and is then reused, so the hot path allocates
/// nothing.
internal sealed class DeferredSuccessors(int words)
{
    public enum Kind : byte { State, Assertion }

    private readonly List<(string Text, Diagnostics.SourceSpan Span, StepLabel Label)> _assertions = new();

    private Kind[] _kinds = new Kind[64];
    private ulong[] _fps = new ulong[64];
    private int[] _stutters = new int[64];
    private ulong[] _packed = new ulong[64 * words];

    /// Entries: states and assertions (not stutters).
    public int Count { get; private set; }

    /// Stutters after the last entry.
    public int TrailingStutters { get; private set; }

    public void Clear()
    {
        Count = 0;
        TrailingStutters = 0;
        _assertions.Clear();
    }

    public void AddStutter() => TrailingStutters++;

    public void AddState(ulong fp, ReadOnlySpan<ulong> packed)
    {
        int i = Add(Kind.State, fp);
        packed.CopyTo(_packed.AsSpan(i * words, words));
    }

    public void AddAssertion(string text, Diagnostics.SourceSpan span, StepLabel label)
    {
        _assertions.Add((text, span, label));
        Add(Kind.Assertion, (ulong)(_assertions.Count - 1));
    }

    public Kind KindAt(int i) => _kinds[i];

    /// The stutters generated between entry i - 1 (or the first successor) and entry i.
    public int StuttersBefore(int i) => _stutters[i];

    public ulong Fp(int i) => _fps[i];

    public void SetFp(int i, ulong fp) => _fps[i] = fp;

    public (string Text, Diagnostics.SourceSpan Span, StepLabel Label) AssertionAt(int i) => _assertions[(int)_fps[i]];

    public ReadOnlySpan<ulong> Packed(int i) => _packed.AsSpan(i * words, words);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Add(Kind kind, ulong fp)
    {
        if (Count == _kinds.Length) Grow();
        _kinds[Count] = kind;
        _fps[Count] = fp;
        _stutters[Count] = TrailingStutters;
        TrailingStutters = 0;
        return Count++;
    }

    private void Grow()
    {
        Array.Resize(ref _kinds, Count * 2);
        Array.Resize(ref _fps, Count * 2);
        Array.Resize(ref _stutters, Count * 2);
        Array.Resize(ref _packed, Count * 2 * words);
    }
}
