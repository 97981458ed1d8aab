using System.Globalization;

namespace Formal.Reference;

/// <summary>
/// Canonical names for the objects of a heap: a traversal from the processes (by pid), their VMAs (by address)
/// and their PTEs (by address), following references in a fixed field order and visiting tree members sorted by
/// content. Two heaps that differ only in allocation numbering get the same numbering.
/// </summary>
public sealed class CanonicalNumbering
{
    private readonly Dictionary<HeapObject, int> _ids;

    public IReadOnlyList<Vma> Vmas { get; }
    public IReadOnlyList<AnonVma> AnonVmas { get; }
    public IReadOnlyList<AnonVmaChain> Avcs { get; }
    public IReadOnlyList<Page> Pages { get; }

    public CanonicalNumbering(Heap heap)
    {
        int total = heap.AllVmas.Count + heap.AllAnonVmas.Count + heap.AllAvcs.Count + heap.AllPages.Count;
        _ids = new Dictionary<HeapObject, int>(total, ByIdentity<HeapObject>.Instance);
        var vmas = new List<Vma>();
        var avs = new List<AnonVma>();
        var avcs = new List<AnonVmaChain>();
        var pages = new List<Page>();
        var queue = new Queue<HeapObject>(total);

        void Visit(HeapObject? o)
        {
            if (o is null || _ids.ContainsKey(o))
                return;
            switch (o)
            {
                case Vma v: _ids[o] = vmas.Count; vmas.Add(v); break;
                case AnonVma a: _ids[o] = avs.Count; avs.Add(a); break;
                case AnonVmaChain c: _ids[o] = avcs.Count; avcs.Add(c); break;
                case Page p: _ids[o] = pages.Count; pages.Add(p); break;
            }
            queue.Enqueue(o);
        }

        void Drain()
        {
            while (queue.Count > 0)
            {
                switch (queue.Dequeue())
                {
                    case Vma v:
                        Visit(v.AnonVma);
                        foreach (var c in v.Chain) Visit(c);
                        Visit(v.VmPrev);
                        Visit(v.VmNext);
                        break;
                    case AnonVmaChain c:
                        Visit(c.Vma);
                        Visit(c.AnonVma);
                        break;
                    case AnonVma a:
                        Visit(a.Root);
                        Visit(a.Parent);
                        if (a.Tree.Count == 1)
                            Visit(a.Tree[0]);
                        else if (a.Tree.Count > 1)
                            foreach (var c in SortedByContent(a.Tree))
                                Visit(c);
                        break;
                    case Page p:
                        Visit(p.Mapping);
                        break;
                }
            }
        }

        foreach (var mm in heap.Processes)
        {
            foreach (var v in mm.Vmas)
                Visit(v);
        }
        Drain();
        foreach (var mm in heap.Processes)
        {
            foreach (var p in mm.Ptes.Values)
                Visit(p);
        }
        Drain();
        // Objects nothing reaches but that are still alive (leaks): allocation order is the best we have.
        if (_ids.Count < total)
        {
            foreach (var o in heap.AllVmas.Cast<HeapObject>().Concat(heap.AllAnonVmas).Concat(heap.AllAvcs).Concat(heap.AllPages)
                         .Where(o => !_ids.ContainsKey(o)).OrderBy(o => o.Id))
            {
                Visit(o);
                Drain();
            }
        }
        Vmas = vmas;
        AnonVmas = avs;
        Avcs = avcs;
        Pages = pages;
    }

    /// <summary>Canonical number of an object within its kind; -1 for an object not in the heap.</summary>
    public int Of(HeapObject? o) => o is not null && _ids.TryGetValue(o, out var i) ? i : -1;

    public string Name(HeapObject? o) => o switch
    {
        null => "NULL",
        Vma v => $"V{Of(v)}",
        AnonVma a => $"A{Of(a)}",
        AnonVmaChain c => $"C{Of(c)}",
        Page p => $"P{Of(p)}",
        _ => "?",
    };

    /// <summary>
    /// The AVCs of a tree ordered by their content key (ordinally), then by allocation serial. The keys are
    /// written into a per-thread buffer instead of strings: this runs for every tree of every heap explored.
    /// </summary>
    private static AnonVmaChain[] SortedByContent(List<AnonVmaChain> tree)
    {
        var buffer = t_keys ??= new char[1024];
        int n = tree.Count;
        var items = new AnonVmaChain[n];
        var starts = new int[n + 1];
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            if (buffer.Length - at < MaxKeyLength)
                Array.Resize(ref buffer, Math.Max(buffer.Length * 2, at + MaxKeyLength));
            items[i] = tree[i];
            starts[i] = at;
            at += WriteContentKey(tree[i], buffer.AsSpan(at));
        }
        starts[n] = at;
        t_keys = buffer;
        var order = new int[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        // insertion sort: trees are small, and the order must be exactly that of the keys
        for (int i = 1; i < n; i++)
        {
            int x = order[i], j = i - 1;
            while (j >= 0 && Compare(order[j], x) > 0)
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
        var sorted = new AnonVmaChain[n];
        for (int i = 0; i < n; i++)
            sorted[i] = items[order[i]];
        return sorted;

        int Compare(int p, int q)
        {
            var kp = buffer.AsSpan(starts[p], starts[p + 1] - starts[p]);
            var kq = buffer.AsSpan(starts[q], starts[q + 1] - starts[q]);
            int c = kp.SequenceCompareTo(kq);
            return c != 0 ? c : items[p].Id.CompareTo(items[q].Id);
        }
    }

    [ThreadStatic] private static char[]? t_keys;
    private const int MaxKeyLength = 6 * 21 + 16;

    /// <summary>A description of an AVC by content, independent of object numbering; returns its length.</summary>
    private static int WriteContentKey(AnonVmaChain c, Span<char> dest)
    {
        var v = c.Vma;
        int n = 0;
        void Num(long x, Span<char> d) { x.TryFormat(d[n..], out int w, default, CultureInfo.CurrentCulture); n += w; }
        void Ch(char ch, Span<char> d) => d[n++] = ch;
        Num(v.Mm?.Pid ?? -1, dest); Ch(':', dest); Num(v.Start, dest); Ch('-', dest); Num(v.End, dest); Ch('@', dest); Num(v.PgOff, dest);
        Ch(v.Freed ? 'f' : 'l', dest); Ch(v.Attached ? 'a' : 'd', dest);
        Ch('|', dest); Num(c.CachedStart, dest); Ch('-', dest); Num(c.CachedLast, dest);
        Ch(c.OnChain ? 'o' : '-', dest); Ch(c.InTree ? 't' : '-', dest); Ch(c.Freed ? 'f' : 'l', dest);
        return n;
    }
}
