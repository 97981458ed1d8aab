using System.Text;
using System.Text.Json;

namespace Formal.Cli;

/// Writes output files through a temporary file and a rename, so a reader never sees half a
/// file and an interrupted run leaves the old file intact.
public static class AtomicFile
{
    public static void WriteText(string path, string text) => Write(path, s =>
    {
        var bytes = new UTF8Encoding(false).GetBytes(text);
        s.Write(bytes);
    });

    public static void WriteJson(string path, Action<Utf8JsonWriter> body) => Write(path, s =>
    {
        using var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
        body(w);
        w.Flush();
        s.WriteByte((byte)'\n');
    });

    public static void Write(string path, Action<Stream> body)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new UsageException($"cannot write {path}: directory {dir} does not exist");
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var s = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
                body(s);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw new UsageException($"cannot write {path}: {e.Message}");
        }
    }
}
