using System.Text;

namespace Formal.Reference;

/// <summary>
/// The deterministic canonical key of a heap, for state deduplication: every object is named by its
/// <see cref="CanonicalNumbering"/> and serialised with all fields that can influence future behaviour.
/// Equal keys mean isomorphic heaps. No hash codes are involved.
/// </summary>
public static class CanonicalKey
{
    public static string Of(Heap heap)
    {
        var n = new CanonicalNumbering(heap);
        var sb = new StringBuilder(256);
        sb.Append("inj:");
        foreach (var k in heap.PendingFailures.OrderBy(k => k))
            sb.Append(Operation.FormatAllocKind(k)).Append(',');
        if (heap.FailNextPrealloc)
            sb.Append("prealloc,");
        if (heap.HaltedBy is { } h)
            sb.Append("|halt:").Append(h.Kind).Append('@').Append(h.Function);
        foreach (var mm in heap.Processes)
        {
            sb.Append("|p").Append(mm.Pid).Append(':');
            foreach (var v in mm.Vmas)
                sb.Append('V').Append(n.Of(v)).Append(',');
            sb.Append(';');
            foreach (var (addr, page) in mm.Ptes)
                sb.Append(addr).Append("=P").Append(n.Of(page)).Append(',');
        }
        for (int i = 0; i < n.Vmas.Count; i++)
        {
            var v = n.Vmas[i];
            sb.Append("|V").Append(i).Append(':').Append(v.Mm?.Pid ?? -1).Append(' ')
              .Append(v.Start).Append('-').Append(v.End).Append('@').Append(v.PgOff).Append(' ')
              .Append(ProtText.Format(v.Prot)).Append((int)v.Flags)
              .Append(v.Freed ? 'f' : 'l').Append(v.Attached ? 'a' : 'd')
              .Append(" av").Append(n.Of(v.AnonVma))
              .Append(" pr").Append(n.Of(v.VmPrev)).Append(" nx").Append(n.Of(v.VmNext))
              .Append(" ch[");
            foreach (var c in v.Chain)
                sb.Append(n.Of(c)).Append(',');
            sb.Append(']');
        }
        for (int i = 0; i < n.AnonVmas.Count; i++)
        {
            var a = n.AnonVmas[i];
            sb.Append("|A").Append(i).Append(':').Append(a.Freed ? 'f' : 'l')
              .Append(" r").Append(n.Of(a.Root)).Append(" p").Append(n.Of(a.Parent))
              .Append(" rc").Append(a.Refcount).Append(" d").Append(a.Degree)
              .Append(" nc").Append(a.NumChildren).Append(" na").Append(a.NumActiveVmas).Append(" t[");
            foreach (var id in a.Tree.Select(n.Of).OrderBy(x => x))
                sb.Append(id).Append(',');
            sb.Append(']');
        }
        for (int i = 0; i < n.Avcs.Count; i++)
        {
            var c = n.Avcs[i];
            sb.Append("|C").Append(i).Append(':').Append(n.Of(c.Vma)).Append('/').Append(n.Of(c.AnonVma))
              .Append(c.OnChain ? 'o' : '-').Append(c.InTree ? 't' : '-').Append(c.Freed ? 'f' : 'l')
              .Append(c.CachedStart).Append('-').Append(c.CachedLast);
        }
        for (int i = 0; i < n.Pages.Count; i++)
        {
            var p = n.Pages[i];
            sb.Append("|P").Append(i).Append(':').Append(n.Of(p.Mapping)).Append('#').Append(p.Index)
              .Append('x').Append(p.MapCount).Append(p.Exclusive ? 'e' : 's').Append(p.Freed ? 'f' : 'l');
        }
        return sb.ToString();
    }

    public static byte[] Bytes(Heap heap) => Encoding.UTF8.GetBytes(Of(heap));
}
