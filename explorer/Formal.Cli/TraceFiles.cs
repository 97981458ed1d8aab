using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;

namespace Formal.Cli;

/// Loads a trace file together with the spec it was made from (its configuration and
/// constants), so that values are typed and can be replayed.
public static class TraceFiles
{
    /// The spec named in the trace is looked up as written (relative to the current directory),
    /// then relative to the trace file; <paramref name="specOverride"/> (--spec) wins.
    public static (Trace Trace, SpecIr Ir, string SpecPath)? Load(string path, string? specOverride, DiagnosticBag diags)
    {
        var raw = TraceReader.ReadHeader(path, diags);
        if (raw is null) return null;
        var specPath = specOverride ?? FindSpec(raw);
        if (specPath is null)
        {
            diags.Error(raw.FileSpan, $"the spec file '{raw.File}' named by this trace is not found (relative to the current directory or to the trace); pass --spec FILE");
            return null;
        }
        var ir = SpecLoader.Load(specPath, raw.Config.Length > 0 ? raw.Config : null, raw.Constants, diags);
        if (ir is null) return null;
        var trace = TraceReader.Resolve(raw, ir, diags);
        return trace is null ? null : (trace with { File = specPath }, ir, specPath);
    }

    private static string? FindSpec(RawTrace raw)
    {
        if (File.Exists(raw.File)) return raw.File;
        var besides = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(raw.Path)) ?? ".", raw.File);
        if (!File.Exists(besides)) return null;
        var relative = Path.GetRelativePath(".", besides);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(besides) : relative;
    }

    /// A path to <paramref name="target"/> that works from the directory of <paramref name="fromFile"/>.
    public static string RelativeTo(string? fromFile, string target)
    {
        var dir = fromFile is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(fromFile)) ?? ".";
        return Path.GetRelativePath(dir, Path.GetFullPath(target)).Replace('\\', '/');
    }
}
