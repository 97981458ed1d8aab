namespace Formal.Explorer.Bfs;

/// A growable int array without per-element overhead (parents and ordinals of states).
public sealed class IntList
{
    private int[] _items = new int[1024];

    public int Count { get; private set; }
    public long Bytes => (long)_items.Length * sizeof(int);

    public void Add(int v)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = v;
    }

    public int this[int i] => _items[i];

    /// Appends n slots to be filled with <see cref="Set"/> (by several threads, each its own).
    public int Reserve(int n)
    {
        int start = Count;
        if (start + n > _items.Length) Array.Resize(ref _items, Math.Max(_items.Length * 2, start + n));
        Count = start + n;
        return start;
    }

    public void Set(int i, int v) => _items[i] = v;

    public void Truncate(int count) => Count = Math.Min(Count, count);

    public void Clear() => Count = 0;
}

/// A growable array of fixed-width packed states.
public sealed class StateBuffer(int words)
{
    private ulong[] _items = new ulong[Math.Max(1, words) * 1024];

    public int Words { get; } = words;
    public int Count { get; private set; }
    public long Bytes => (long)_items.Length * sizeof(ulong);

    public void Add(ReadOnlySpan<ulong> state)
    {
        if ((Count + 1) * Words > _items.Length) Array.Resize(ref _items, _items.Length * 2);
        state.CopyTo(_items.AsSpan(Count * Words, Words));
        Count++;
    }

    public ReadOnlySpan<ulong> this[int i] => _items.AsSpan(i * Words, Words);

    /// Appends n states to be filled through <see cref="Slot"/> (by several threads, each its own).
    public int Reserve(int n)
    {
        int start = Count;
        long need = (long)(start + n) * Words;
        if (need > _items.Length) Array.Resize(ref _items, (int)Math.Max(_items.Length * 2L, need));
        Count = start + n;
        return start;
    }

    public Span<ulong> Slot(int i) => _items.AsSpan(i * Words, Words);

    public void Clear() => Count = 0;
}
