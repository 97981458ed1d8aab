using System.Text;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Pictures;

/// Any spec: one table per variable (maps of records as a table with a column per field, maps
/// of maps as a matrix, other maps as key/value rows), changed cells highlighted.
public sealed class GenericPicture : IStatePicture
{
    public string Name => "generic";

    public string? Render(PictureInput input)
    {
        var sb = new StringBuilder();
        sb.Append("digraph state {\n");
        sb.Append("  graph [rankdir=LR, fontsize=11, labelloc=t, label=").Append(Dot.Quote(input.Title)).Append("];\n");
        sb.Append("  node [shape=plaintext, fontsize=10];\n");
        int i = 0;
        foreach (var (name, value) in input.State)
        {
            sb.Append("  var").Append(i++).Append(" [label=<").Append(Table(name, value, input)).Append(">];\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Table(string name, Value value, PictureInput input)
    {
        var sb = new StringBuilder("<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">");
        switch (value)
        {
            case VMap { Entries.Count: > 0 } m when m.Entries[0].Value is VRecord first:
            {
                var fields = first.Fields.Select(f => f.Name).ToList();
                Header(sb, name, fields.Count + 1);
                sb.Append("<tr><td></td>");
                foreach (var f in fields) sb.Append("<td><i>").Append(Dot.Html(f)).Append("</i></td>");
                sb.Append("</tr>");
                foreach (var (k, v) in m.Entries)
                {
                    var row = $"{name}[{k.Show()}]";
                    sb.Append("<tr>").Append(Cell(k.Show(), input.IsChanged(row), bold: true));
                    foreach (var (f, fv) in ((VRecord)v).Fields) sb.Append(Cell(fv.Show(), input.IsChanged($"{row}.{f}")));
                    sb.Append("</tr>");
                }
                break;
            }
            case VMap { Entries.Count: > 0 } m when m.Entries[0].Value is VMap inner:
            {
                Header(sb, name, inner.Entries.Count + 1);
                sb.Append("<tr><td></td>");
                foreach (var (ik, _) in inner.Entries) sb.Append("<td><i>").Append(Dot.Html(ik.Show())).Append("</i></td>");
                sb.Append("</tr>");
                foreach (var (k, v) in m.Entries)
                {
                    sb.Append("<tr>").Append(Cell(k.Show(), false, bold: true));
                    foreach (var (ik, iv) in ((VMap)v).Entries) sb.Append(Cell(iv.Show(), input.IsChanged($"{name}[{k.Show()}][{ik.Show()}]")));
                    sb.Append("</tr>");
                }
                break;
            }
            case VMap m:
                Header(sb, name, 2);
                foreach (var (k, v) in m.Entries)
                    sb.Append("<tr>").Append(Cell(k.Show(), false, bold: true)).Append(Cell(v.Show(), input.IsChanged($"{name}[{k.Show()}]"))).Append("</tr>");
                break;
            case VRecord r:
                Header(sb, name, 2);
                foreach (var (f, v) in r.Fields)
                    sb.Append("<tr>").Append(Cell(f, false, bold: true)).Append(Cell(v.Show(), input.IsChanged($"{name}.{f}"))).Append("</tr>");
                break;
            default:
                sb.Append("<tr>").Append(Cell(name, false, bold: true)).Append(Cell(value.Show(), input.IsChanged(name))).Append("</tr>");
                break;
        }
        return sb.Append("</table>").ToString();
    }

    private static void Header(StringBuilder sb, string name, int span) =>
        sb.Append("<tr><td colspan=\"").Append(span).Append("\" bgcolor=\"lightgrey\"><b>").Append(Dot.Html(name)).Append("</b></td></tr>");

    private static string Cell(string text, bool changed, bool bold = false)
    {
        var content = bold ? $"<b>{Dot.Html(text)}</b>" : Dot.Html(text);
        return changed ? $"<td bgcolor=\"{StatePictures.ChangedColor}\">{content}</td>" : $"<td>{content}</td>";
    }
}
