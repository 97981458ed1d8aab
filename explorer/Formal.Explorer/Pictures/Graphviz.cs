using System.ComponentModel;
using System.Diagnostics;

namespace Formal.Explorer.Pictures;

/// Runs graphviz (`dot`, or `sfdp` for large graphs) with a time limit. When it is not
/// installed the caller gets the reason and the way to install it.
public static class Graphviz
{
    public const string InstallHint = "graphviz is not installed; install it with `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz`";

    public static bool IsInstalled(string engine = "dot") =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, engine)));

    /// The SVG text, or null with the reason (not installed, failed, timed out).
    public static (string? Svg, string? Problem) ToSvg(string dot, TimeSpan timeout, string engine = "dot")
    {
        if (!IsInstalled(engine)) return (null, InstallHint);
        var psi = new ProcessStartInfo(engine, "-Tsvg")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            return (null, $"cannot run {engine}: {e.Message}; {InstallHint}");
        }
        using (p)
        {
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            try
            {
                p.StandardInput.Write(dot);
                p.StandardInput.Close();
            }
            catch (IOException) { }
            if (!p.WaitForExit(timeout))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return (null, $"{engine} took longer than {timeout.TotalSeconds:F0} s");
            }
            p.WaitForExit();
            if (p.ExitCode != 0) return (null, $"{engine} failed: {errors.Result.Trim()}");
            var svg = output.Result;
            int start = svg.IndexOf("<svg", StringComparison.Ordinal);
            return start < 0 ? (null, $"{engine} produced no SVG") : (svg[start..], null);
        }
    }
}
