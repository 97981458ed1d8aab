using System.Text;

namespace Formal.Explorer.Pictures;

/// Escaping for DOT: quoted identifiers and labels, and HTML-like labels.
public static class Dot
{
    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    /// Text inside an HTML-like label (`<...>`).
    public static string Html(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
            sb.Append(c switch
            {
                '<' => "&lt;",
                '>' => "&gt;",
                '&' => "&amp;",
                '"' => "&quot;",
                _ => c.ToString(),
            });
        return sb.ToString();
    }
}
