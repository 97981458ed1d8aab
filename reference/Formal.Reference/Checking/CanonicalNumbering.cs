using System.Text;

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
        var queue = new Queue<HeapObject>();

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
                            foreach (var c in a.Tree.OrderBy(ContentKey, StringComparer.Ordinal).ThenBy(c => c.Id))
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

    /// <summary>A description of an AVC by content, independent of object numbering.</summary>
    private static string ContentKey(AnonVmaChain c)
    {
        var v = c.Vma;
        var sb = new StringBuilder();
        sb.Append(v.Mm?.Pid ?? -1).Append(':').Append(v.Start).Append('-').Append(v.End).Append('@').Append(v.PgOff)
          .Append(v.Freed ? 'f' : 'l').Append(v.Attached ? 'a' : 'd')
          .Append('|').Append(c.CachedStart).Append('-').Append(c.CachedLast)
          .Append(c.OnChain ? 'o' : '-').Append(c.InTree ? 't' : '-').Append(c.Freed ? 'f' : 'l');
        return sb.ToString();
    }
}
