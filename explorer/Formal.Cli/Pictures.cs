using Formal.Explorer.Traces;
using Formal.Spec.Ir;

namespace Formal.Cli;

/// DOT and HTML output of `formal show` (filled in with the picture renderers).
public static class Pictures
{
    public static string Dot(Trace trace, SpecIr ir, int step) => throw new UsageException("--format dot is not available yet");
    public static string Html(Trace trace, SpecIr ir, TextWriter stderr) => throw new UsageException("--format html is not available yet");
}
