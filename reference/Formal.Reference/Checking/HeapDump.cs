using System.Text;

namespace Formal.Reference;

/// <summary>A readable dump of a heap in kernel words, with canonical object names (V = vma, A = anon_vma, C = AVC, P = page).</summary>
public static class HeapDump
{
    public static string Format(Heap heap)
    {
        var n = new CanonicalNumbering(heap);
        var sb = new StringBuilder();
        if (heap.PendingFailures.Count > 0)
            sb.AppendLine("pending injected failures: " + string.Join(", ", heap.PendingFailures.OrderBy(k => k).Select(Operation.FormatAllocKind)));
        if (heap.HaltedBy is not null)
            sb.AppendLine("HALTED by " + heap.HaltedBy);
        foreach (var mm in heap.Processes)
        {
            sb.AppendLine($"process p{mm.Pid}:");
            foreach (var v in mm.Vmas)
                sb.AppendLine("  " + DescribeVma(v, n));
            foreach (var (addr, page) in mm.Ptes)
                sb.AppendLine($"  pte {addr} -> {n.Name(page)}");
        }
        var detached = n.Vmas.Where(v => !v.Attached).ToList();
        if (detached.Count > 0)
        {
            sb.AppendLine("VMAs not in any mm:");
            foreach (var v in detached)
                sb.AppendLine("  " + DescribeVma(v, n));
        }
        if (n.AnonVmas.Count > 0)
        {
            sb.AppendLine("anon_vmas:");
            foreach (var a in n.AnonVmas)
            {
                var tree = string.Join(" ", a.Tree.OrderBy(n.Of).Select(c => $"{n.Name(c)}:{Where(c.Vma, n)}"));
                sb.AppendLine($"  {n.Name(a)}{(a.Freed ? " FREED" : "")} root {n.Name(a.Root)} parent {n.Name(a.Parent)} refcount {a.Refcount} " +
                              $"degree {a.Degree} num_children {a.NumChildren} num_active_vmas {a.NumActiveVmas} tree {{{tree}}}");
            }
        }
        var stray = n.Avcs.Where(c => c.Freed || !c.OnChain || !c.InTree).ToList();
        if (stray.Count > 0)
        {
            sb.AppendLine("AVCs not both on a chain and in a tree (or freed):");
            foreach (var c in stray)
                sb.AppendLine($"  {n.Name(c)}{(c.Freed ? " FREED" : "")} vma {Where(c.Vma, n)} anon_vma {n.Name(c.AnonVma)} on_chain {c.OnChain} in_tree {c.InTree}");
        }
        if (n.Pages.Count > 0)
        {
            sb.AppendLine("pages:");
            foreach (var p in n.Pages)
                sb.AppendLine($"  {n.Name(p)}{(p.Freed ? " FREED" : "")} mapping {n.Name(p.Mapping)}{(p.Mapping?.Freed == true ? " (freed)" : "")} index {p.Index} mapcount {p.MapCount}{(p.Exclusive ? " exclusive" : "")}");
        }
        return sb.ToString();
    }

    private static string DescribeVma(Vma v, CanonicalNumbering n)
    {
        var flags = v.Flags == VmaFlags.None ? "" : " " + v.Flags.ToString().Replace(", ", "|", StringComparison.Ordinal);
        var chain = string.Join(" ", v.Chain.Select(c => n.Name(c.AnonVma)));
        return $"{n.Name(v)}{(v.Freed ? " FREED" : "")} [{v.Start},{v.End}) pgoff {v.PgOff} {ProtText.Format(v.Prot)}{flags} anon_vma {n.Name(v.AnonVma)} chain [{chain}]";
    }

    /// <summary>"p0:[0,2)" for a VMA, with its canonical name.</summary>
    public static string Where(Vma v, CanonicalNumbering n) =>
        $"{n.Name(v)}(p{v.Mm?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}[{v.Start},{v.End}){(v.Freed ? " freed" : "")})";
}
