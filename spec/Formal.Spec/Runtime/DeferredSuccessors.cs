namespace Formal.Spec.Runtime;

/// A parent's successors held back until all its actions have run (for visitors that
/// <see cref="IStateVisitor.MayDefer"/>), in generation order: stutters (the parent itself),
/// other successors with their packed words and own fingerprint, and failed assertions (rare,
/// with the step's label). Grows to the largest parent and is then reused, so the hot path
/// allocates nothing.
internal sealed class DeferredSuccessors(int words)
{
    public enum Kind : byte { Stutter, State, Assertion }

    private readonly List<(string Text, Diagnostics.SourceSpan Span, StepLabel Label)> _assertions = new();

    private Kind[] _kinds = new Kind[64];
    private ulong[] _fps = new ulong[64];
    private ulong[] _packed = new ulong[64 * words];

    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        _assertions.Clear();
    }

    public void AddStutter() => Add(Kind.Stutter, 0);

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
        return Count++;
    }

    private void Grow()
    {
        Array.Resize(ref _kinds, Count * 2);
        Array.Resize(ref _fps, Count * 2);
        Array.Resize(ref _packed, Count * 2 * words);
    }
}
