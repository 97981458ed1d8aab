namespace Formal.Spec.Diagnostics;

/// Reads an input file (spec, scenario, trace) with a size cap; problems become diagnostics.
public static class InputFile
{
    public static byte[]? ReadBytes(string path, long maxBytes, DiagnosticBag diags)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                diags.Error(new SourceSpan(path, 0, 0), $"file not found: {path}");
                return null;
            }
            if (info.Length > maxBytes)
            {
                diags.Error(new SourceSpan(path, 1, 1), $"file is too large ({info.Length} bytes; at most {maxBytes})");
                return null;
            }
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diags.Error(new SourceSpan(path, 0, 0), $"cannot read {path}: {e.Message}");
            return null;
        }
    }

    public static string? ReadText(string path, long maxBytes, DiagnosticBag diags) =>
        ReadBytes(path, maxBytes, diags) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF') : null;
}
