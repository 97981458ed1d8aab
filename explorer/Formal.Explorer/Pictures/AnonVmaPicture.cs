using System.Text;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Pictures;

/// spec/anon_vma.yaml drawn as kernel people draw it: one box per process with its VMAs in
/// address order (range, pgoff, prot, anon_vma and chain), the anon_vma forest with parent and
/// root edges (freed ones red), every chain link (the VMA's own anon_vma in bold), pages
/// pointing to their mapping, and each present PTE as an edge from its VMA to its page.
/// Elements that changed in the step are filled. Returns null for any other shape of state.
public sealed class AnonVmaPicture : IStatePicture
{
    public string Name => "anon_vma";

    public string? Render(PictureInput input)
    {
        if (input.Spec != "anon_vma") return null;
        if (input.Var("procs") is not VSet procs || input.Var("vma") is not VMap vmas || input.Var("av") is not VMap avs
            || input.Var("page") is not VMap pages || input.Var("pte") is not VMap ptes) return null;
        var vmaRows = vmas.Entries.Where(e => F(e.Value, "live") is VBool { B: true }).ToList();
        if (vmaRows.Any(e => F(e.Value, "mm") is not VObj || F(e.Value, "start") is not VInt || F(e.Value, "end") is not VInt || F(e.Value, "chain") is not VSet)) return null;

        var sb = new StringBuilder();
        sb.Append("digraph anon_vma {\n");
        sb.Append("  graph [rankdir=LR, fontsize=11, labelloc=t, nodesep=0.25, ranksep=0.6, label=").Append(Dot.Quote(input.Title)).Append("];\n");
        sb.Append("  node [fontsize=10, margin=\"0.05,0.03\"];\n  edge [fontsize=8];\n");

        // Processes with their VMAs in address order (invisible edges keep the order).
        var byMm = vmaRows.GroupBy(e => ((VObj)F(e.Value, "mm")!).Index).OrderBy(g => g.Key);
        var mms = byMm.Select(g => g.Key).ToHashSet();
        foreach (var p in procs.Items.OfType<VObj>().Where(p => !mms.Contains(p.Index)))
            sb.Append("  subgraph cluster_").Append(p.Show()).Append(" { label=").Append(Dot.Quote(p.Show() + " (no VMAs)")).Append("; style=rounded; empty_").Append(p.Show()).Append(" [shape=point, style=invis]; }\n");
        foreach (var g in byMm)
        {
            var proc = $"Proc{g.Key}";
            bool alive = procs.Items.OfType<VObj>().Any(p => p.Index == g.Key);
            sb.Append("  subgraph cluster_").Append(proc).Append(" {\n    label=").Append(Dot.Quote(alive ? proc : proc + " (exited)")).Append("; style=rounded;\n");
            var ordered = g.OrderBy(e => ((VInt)F(e.Value, "start")!).I).ToList();
            foreach (var (key, rec) in ordered)
            {
                var id = key.Show();
                var changed = input.IsChanged($"vma[{id}]");
                sb.Append("    ").Append(id).Append(" [shape=plaintext, label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"2\"")
                  .Append(changed ? $" bgcolor=\"{StatePictures.ChangedColor}\"" : "").Append('>')
                  .Append("<tr><td><b>").Append(Dot.Html(id)).Append("</b> [").Append(S(rec, "start")).Append(", ").Append(S(rec, "end")).Append(")</td></tr>")
                  .Append("<tr><td>pgoff ").Append(S(rec, "pgoff")).Append(' ').Append(Dot.Html(S(rec, "prot"))).Append(Flags(rec)).Append("</td></tr>")
                  .Append("<tr><td>anon ").Append(Dot.Html(S(rec, "anon"))).Append("</td></tr>")
                  .Append("<tr><td>chain ").Append(Dot.Html(S(rec, "chain"))).Append("</td></tr>")
                  .Append("</table>>];\n");
            }
            for (int i = 1; i < ordered.Count; i++)
                sb.Append("    ").Append(ordered[i - 1].Key.Show()).Append(" -> ").Append(ordered[i].Key.Show()).Append(" [style=invis];\n");
            sb.Append("  }\n");
        }

        // The anon_vma forest.
        foreach (var (key, rec) in avs.Entries)
        {
            var state = S(rec, "state");
            if (state == "unused") continue;
            var id = key.Show();
            var fill = input.IsChanged($"av[{id}]") ? StatePictures.ChangedColor : state == "freed" ? "#f4a6a6" : "white";
            var root = F(rec, "root");
            var label = $"{id}{(root == key ? " (root)" : "")}{(state == "freed" ? " FREED" : "")}\nchildren {S(rec, "num_children")} active {S(rec, "num_active_vmas")} ref {S(rec, "refcount")}";
            sb.Append("  ").Append(id).Append(" [shape=box, style=\"rounded,filled").Append(state == "freed" ? ",dashed" : "").Append("\", fillcolor=\"").Append(fill)
              .Append("\", label=").Append(Dot.Quote(label)).Append("];\n");
            if (F(rec, "parent") is VObj parent && parent != key)
                sb.Append("  ").Append(id).Append(" -> ").Append(parent.Show()).Append(" [label=\"parent\"];\n");
            if (root is VObj r && r != key && r != F(rec, "parent"))
                sb.Append("  ").Append(id).Append(" -> ").Append(r.Show()).Append(" [label=\"root\", style=dashed];\n");
        }

        // Chain links (the VMA's own anon_vma bold).
        foreach (var (key, rec) in vmaRows)
        {
            var own = F(rec, "anon");
            foreach (var a in ((VSet)F(rec, "chain")!).Items)
                sb.Append("  ").Append(key.Show()).Append(" -> ").Append(a.Show()).Append(a == own ? " [penwidth=2, label=\"anon\"];\n" : " [color=gray40];\n");
            if (own is VObj o && !((VSet)F(rec, "chain")!).Items.Contains(o))
                sb.Append("  ").Append(key.Show()).Append(" -> ").Append(o.Show()).Append(" [penwidth=2, color=red, label=\"anon (not on chain)\"];\n");
        }

        // Pages and their mapping.
        foreach (var (key, rec) in pages.Entries)
        {
            if (F(rec, "live") is not VBool { B: true }) continue;
            var id = key.Show();
            var fill = input.IsChanged($"page[{id}]") ? StatePictures.ChangedColor : "white";
            var label = $"{id}\nindex {S(rec, "index")} mapcount {S(rec, "mapcount")}{(F(rec, "exclusive") is VBool { B: true } ? " excl" : "")}";
            sb.Append("  ").Append(id).Append(" [shape=note, style=filled, fillcolor=\"").Append(fill).Append("\", label=").Append(Dot.Quote(label)).Append("];\n");
            if (F(rec, "mapping") is VObj m)
                sb.Append("  ").Append(m.Show()).Append(" -> ").Append(id).Append(" [dir=back, color=blue, label=\"mapping\"];\n");
        }

        // Present PTEs: VMA -> page, labelled with the address.
        foreach (var (p, row) in ptes.Entries)
        {
            if (row is not VMap addrs) continue;
            foreach (var (x, target) in addrs.Entries)
            {
                if (target is not VObj g || x is not VInt addr) continue;
                var vma = vmaRows.FirstOrDefault(e => F(e.Value, "mm") == p && ((VInt)F(e.Value, "start")!).I <= addr.I && addr.I < ((VInt)F(e.Value, "end")!).I);
                var changed = input.IsChanged($"pte[{p.Show()}][{x.Show()}]");
                var attrs = $"style=dotted, label=\"pte {addr.I}\"{(changed ? $", color=\"#e08000\", penwidth=2" : "")}";
                if (vma.Key is null)
                {
                    sb.Append("  stray_").Append(p.Show()).Append('_').Append(addr.I).Append(" [shape=plaintext, fontcolor=red, label=").Append(Dot.Quote($"{p.Show()} @{addr.I}: no VMA")).Append("];\n");
                    sb.Append("  stray_").Append(p.Show()).Append('_').Append(addr.I).Append(" -> ").Append(g.Show()).Append(" [").Append(attrs).Append("];\n");
                }
                else sb.Append("  ").Append(vma.Key.Show()).Append(" -> ").Append(g.Show()).Append(" [").Append(attrs).Append("];\n");
            }
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static Value? F(Value v, string field) => v is VRecord r ? r.Fields.FirstOrDefault(f => f.Name == field).Value : null;

    private static string S(Value v, string field) => F(v, field)?.Show() ?? "?";

    private static string Flags(Value rec) =>
        (F(rec, "dontcopy") is VBool { B: true } ? " dontcopy" : "") + (F(rec, "wipeonfork") is VBool { B: true } ? " wipeonfork" : "");
}
