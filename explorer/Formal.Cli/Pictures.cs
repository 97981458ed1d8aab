using Formal.Explorer.Pictures;
using Formal.Explorer.Traces;

namespace Formal.Cli;

/// DOT and HTML output of `formal show`.
public static class Pictures
{
    /// Per picture; layouts are small, so a slow one means something is wrong.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static string Dot(Trace trace, int step) => TracePictures.Dot(trace, step);

    public static string Html(Trace trace, TextWriter stderr)
    {
        if (!Graphviz.IsInstalled()) stderr.WriteLine($"formal: note: {Graphviz.InstallHint}; the report embeds the DOT source instead of pictures");
        return HtmlReport.Write(trace, dot => Graphviz.ToSvg(dot, Timeout));
    }
}
