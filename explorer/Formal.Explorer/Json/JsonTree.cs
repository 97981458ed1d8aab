using System.Text;
using System.Text.Json;
using Formal.Spec.Diagnostics;

namespace Formal.Explorer.Json;

/// Parses JSON into <see cref="JNode"/>s with line:column positions (System.Text.Json's reader
/// gives byte offsets; they are mapped to lines and UTF-8 character columns here).
public static class JsonTree
{
    public const int MaxFileBytes = 64 * 1024 * 1024;

    public static JNode? LoadFile(string path, DiagnosticBag diags) =>
        InputFile.ReadBytes(path, MaxFileBytes, diags) is { } bytes ? Parse(path, bytes, diags) : null;

    public static JNode? Parse(string path, string text, DiagnosticBag diags) => Parse(path, Encoding.UTF8.GetBytes(text), diags);

    public static JNode? Parse(string path, byte[] bytes, DiagnosticBag diags)
    {
        var lines = new Lines(path, bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        try
        {
            if (!reader.Read())
            {
                diags.Error(new SourceSpan(path, 1, 1), "the file is empty");
                return null;
            }
            var root = ReadValue(ref reader, lines);
            if (reader.Read())
                diags.Error(lines.At(reader.TokenStartIndex), "unexpected data after the end of the JSON value");
            return root;
        }
        catch (JsonException e)
        {
            var msg = e.Message;
            int cut = msg.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) msg = msg[..cut];
            diags.Error(new SourceSpan(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1), "JSON syntax: " + msg.TrimEnd('.', ' '));
            return null;
        }
    }

    private static JNode ReadValue(ref Utf8JsonReader r, Lines lines)
    {
        var span = lines.At(r.TokenStartIndex);
        switch (r.TokenType)
        {
            case JsonTokenType.String: return new JString(span, r.GetString() ?? "");
            case JsonTokenType.Number: return new JNumber(span, Encoding.UTF8.GetString(r.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(r.ValueSequence) : r.ValueSpan.ToArray()));
            case JsonTokenType.True: return new JBool(span, true);
            case JsonTokenType.False: return new JBool(span, false);
            case JsonTokenType.Null: return new JNull(span);
            case JsonTokenType.StartArray:
            {
                var items = new List<JNode>();
                while (r.Read() && r.TokenType != JsonTokenType.EndArray) items.Add(ReadValue(ref r, lines));
                return new JArray(span, items);
            }
            case JsonTokenType.StartObject:
            {
                var members = new List<(string, SourceSpan, JNode)>();
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    var keySpan = lines.At(r.TokenStartIndex);
                    var key = r.GetString() ?? "";
                    r.Read();
                    members.Add((key, keySpan, ReadValue(ref r, lines)));
                }
                return new JObject(span, members);
            }
            default: throw new JsonException($"unexpected token {r.TokenType}");
        }
    }

    /// Byte offset -> line and column (columns count characters, not bytes).
    private sealed class Lines
    {
        private readonly string _path;
        private readonly byte[] _bytes;
        private readonly List<int> _starts = [0];

        public Lines(string path, byte[] bytes)
        {
            _path = path;
            _bytes = bytes;
            for (int i = 0; i < bytes.Length; i++)
                if (bytes[i] == (byte)'\n') _starts.Add(i + 1);
        }

        public SourceSpan At(long offset)
        {
            int o = (int)Math.Min(offset, _bytes.Length);
            int line = _starts.BinarySearch(o);
            if (line < 0) line = ~line - 1;
            int col = 1;
            for (int i = _starts[line]; i < o; i++)
                if ((_bytes[i] & 0xC0) != 0x80) col++;
            return new SourceSpan(_path, line + 1, col);
        }
    }
}
