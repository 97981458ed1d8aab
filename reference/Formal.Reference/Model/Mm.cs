namespace Formal.Reference;

/// <summary>A process with its mm_struct: the ordered VMAs and the page tables (address -> page).</summary>
public sealed class Mm
{
    public Mm(int pid) => Pid = pid;

    public int Pid { get; }

    /// <summary>The VMAs stored in the mm (maple tree / vm_next list), ordered by start address.</summary>
    public List<Vma> Vmas { get; } = new();

    /// <summary>Present PTEs: page address -> page.</summary>
    public SortedDictionary<long, Page> Ptes { get; } = new();

    public Vma? FindVma(long addr)
    {
        foreach (var v in Vmas)
        {
            if (v.Contains(addr))
                return v;
        }
        return null;
    }

    /// <summary>The last VMA that ends at or before <paramref name="addr"/> (vma_prev of a gap at addr).</summary>
    public Vma? PrevOf(long addr)
    {
        Vma? prev = null;
        foreach (var v in Vmas)
        {
            if (v.End <= addr)
                prev = v;
            else
                break;
        }
        return prev;
    }

    /// <summary>The first VMA that starts at or after <paramref name="addr"/>.</summary>
    public Vma? NextFrom(long addr)
    {
        foreach (var v in Vmas)
        {
            if (v.Start >= addr)
                return v;
        }
        return null;
    }

    public Vma? Prev(Vma vma)
    {
        int i = Vmas.IndexOf(vma);
        return i > 0 ? Vmas[i - 1] : null;
    }

    public Vma? Next(Vma vma)
    {
        int i = Vmas.IndexOf(vma);
        return i >= 0 && i + 1 < Vmas.Count ? Vmas[i + 1] : null;
    }

    public bool Overlaps(long start, long end)
    {
        foreach (var v in Vmas)
        {
            if (v.Start < end && start < v.End)
                return true;
        }
        return false;
    }

    /// <summary>True when every page of [start, end) is inside some VMA.</summary>
    public bool Covers(long start, long end)
    {
        long at = start;
        foreach (var v in Vmas)
        {
            if (v.End <= at)
                continue;
            if (v.Start > at)
                return false;
            at = v.End;
            if (at >= end)
                return true;
        }
        return at >= end;
    }

    /// <summary>Stores a VMA in address order (vma_iter_store) and refreshes the list-era links.</summary>
    internal void Insert(Vma vma)
    {
        int i = 0;
        while (i < Vmas.Count && Vmas[i].Start < vma.Start)
            i++;
        Vmas.Insert(i, vma);
        vma.Attached = true;
        Relink();
    }

    internal void Remove(Vma vma)
    {
        Vmas.Remove(vma);
        vma.Attached = false;
        Relink();
    }

    /// <summary>Keeps vm_prev/vm_next and the address order consistent after a range change.</summary>
    internal void Relink()
    {
        Vmas.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        for (int i = 0; i < Vmas.Count; i++)
        {
            Vmas[i].VmPrev = i > 0 ? Vmas[i - 1] : null;
            Vmas[i].VmNext = i + 1 < Vmas.Count ? Vmas[i + 1] : null;
        }
    }

    public override string ToString() => $"p{Pid}";
}
