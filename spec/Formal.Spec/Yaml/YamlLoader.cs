using Formal.Spec.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YScalarStyle = YamlDotNet.Core.ScalarStyle;

namespace Formal.Spec.Yaml;

/// Reads one YAML document into <see cref="YNode"/>s with positions. Rejects tabs in indentation
/// (with the exact position), duplicate keys (pointing at both), non-scalar keys, multiple
/// documents, and alias bombs (too many aliases or too large an expansion).
public static class YamlLoader
{
    public const int MaxAliases = 100;
    public const int MaxExpandedNodes = 200_000;
    public const int MaxFileBytes = 4 * 1024 * 1024;

    public static YNode? LoadFile(string path, DiagnosticBag diags) =>
        InputFile.ReadText(path, MaxFileBytes, diags) is { } text ? Load(path, text, diags) : null;

    public static YNode? Load(string path, string text, DiagnosticBag diags)
    {
        var source = new SourceText(path, text.Replace("\r\n", "\n"));
        if (!CheckTabs(source, diags)) return null;
        var builder = new Builder(source, diags);
        try
        {
            return builder.Build();
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this for some malformed flow collections (e.g. an
            // unclosed '[' before the end of the file); report it after the last good token.
            var (l, c) = builder.LastPosition;
            diags.Error(new SourceSpan(path, l, c), "YAML syntax: malformed flow collection after this point (an unclosed '[' or '{'?)");
            return null;
        }
        catch (YamlException e)
        {
            var msg = e.InnerException is { } inner && !string.IsNullOrEmpty(inner.Message) ? inner.Message : e.Message;
            int line = (int)e.Start.Line, col = (int)e.Start.Column;
            var hint = Clean(msg);
            if (hint.Contains("mapping", StringComparison.OrdinalIgnoreCase) && hint.Contains("invalid", StringComparison.OrdinalIgnoreCase)
                || hint.Contains("Mapping values are not allowed", StringComparison.OrdinalIgnoreCase))
                hint += " (an unquoted value may not contain ': '; put the expression in quotes)";
            else if (hint.Contains("flow", StringComparison.OrdinalIgnoreCase))
                hint += " (inside [...] or {...}, quote expressions that contain [ ] { } or ,)";
            diags.Error(new SourceSpan(path, Math.Max(1, line), Math.Max(1, col)), "YAML syntax: " + hint);
            return null;
        }
    }

    private static string Clean(string msg)
    {
        // YamlDotNet prefixes messages with "(Line: a, Col: b, Idx: c) - (Line...): "; we print our own position.
        int i = msg.IndexOf("): ", StringComparison.Ordinal);
        if (msg.StartsWith("(Line", StringComparison.Ordinal) && i > 0) msg = msg[(i + 3)..];
        return msg.TrimEnd('.');
    }

    private static bool CheckTabs(SourceText source, DiagnosticBag diags)
    {
        bool ok = true;
        int lineNo = 0;
        foreach (var line in source.Text.Split('\n'))
        {
            lineNo++;
            for (int i = 0; i < line.Length && (line[i] == ' ' || line[i] == '\t'); i++)
            {
                if (line[i] != '\t') continue;
                diags.Error(new SourceSpan(source.Path, lineNo, i + 1), "tab character in indentation; YAML indentation must use spaces");
                ok = false;
                break;
            }
        }
        return ok;
    }

    private sealed class Builder(SourceText source, DiagnosticBag diags)
    {
        private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);
        private readonly Dictionary<YNode, long> _sizes = new(ReferenceEqualityComparer.Instance);
        private int _aliases;
        private IParser _parser = null!;

        public (int Line, int Column) LastPosition { get; private set; } = (1, 1);

        public YNode? Build()
        {
            _parser = new Parser(new StringReader(source.Text));
            _parser.Consume<StreamStart>();
            if (_parser.Accept<StreamEnd>(out _))
            {
                diags.Error(new SourceSpan(source.Path, 1, 1), "the file is empty");
                return null;
            }
            _parser.Consume<DocumentStart>();
            var root = ReadNode();
            _parser.Consume<DocumentEnd>();
            if (_parser.Accept<DocumentStart>(out var extra))
                diags.Error(Span(extra.Start), "only one YAML document is allowed per file");
            return root;
        }

        private SourceSpan Span(Mark m) => new(source.Path, (int)m.Line, (int)m.Column);

        private YNode ReadNode()
        {
            if (_parser.Current is { } cur) LastPosition = ((int)Math.Max(1, cur.Start.Line), (int)Math.Max(1, cur.Start.Column));
            if (_parser.TryConsume<AnchorAlias>(out var alias))
            {
                _aliases++;
                if (_aliases > MaxAliases)
                    throw new YamlException(alias.Start, alias.End, $"too many aliases (more than {MaxAliases}); alias '*{alias.Value}'");
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value}'");
                return target;
            }
            if (_parser.TryConsume<Scalar>(out var scalar))
            {
                var style = scalar.Style switch
                {
                    YScalarStyle.SingleQuoted => ScalarStyle.SingleQuoted,
                    YScalarStyle.DoubleQuoted => ScalarStyle.DoubleQuoted,
                    YScalarStyle.Literal => ScalarStyle.Literal,
                    YScalarStyle.Folded => ScalarStyle.Folded,
                    _ => ScalarStyle.Plain,
                };
                var node = new YScalar(Span(scalar.Start), scalar.Value, style, source, (int)scalar.Start.Index, (int)scalar.End.Index);
                return Anchor(scalar.Anchor, node, 1, scalar.Start);
            }
            if (_parser.TryConsume<SequenceStart>(out var seqStart))
            {
                var items = new List<YNode>();
                long size = 1;
                while (!_parser.TryConsume<SequenceEnd>(out _))
                {
                    var item = ReadNode();
                    size += SizeOf(item, seqStart.Start);
                    items.Add(item);
                }
                return Anchor(seqStart.Anchor, new YSeq(Span(seqStart.Start), items), size, seqStart.Start);
            }
            if (_parser.TryConsume<MappingStart>(out var mapStart))
            {
                var entries = new List<YEntry>();
                var keys = new Dictionary<string, YScalar>(StringComparer.Ordinal);
                long size = 1;
                while (!_parser.TryConsume<MappingEnd>(out _))
                {
                    var keyStart = _parser.Current!.Start;
                    var key = ReadNode();
                    var value = ReadNode();
                    size += SizeOf(value, mapStart.Start) + 1;
                    if (key is not YScalar k)
                    {
                        diags.Error(Span(keyStart), "mapping keys must be plain scalars");
                        continue;
                    }
                    if (keys.TryGetValue(k.Value, out var first))
                    {
                        diags.Error(k.Span, $"duplicate key '{k.Value}' (first defined at line {first.Span.Line}, column {first.Span.Column})");
                        continue;
                    }
                    keys[k.Value] = k;
                    entries.Add(new YEntry(k, value));
                }
                return Anchor(mapStart.Anchor, new YMap(Span(mapStart.Start), entries), size, mapStart.Start);
            }
            var ev = _parser.Current!;
            throw new YamlException(ev.Start, ev.End, $"unexpected {ev.GetType().Name}");
        }

        private long SizeOf(YNode node, Mark at) => _sizes.TryGetValue(node, out var v) ? v : 1;

        private YNode Anchor(AnchorName anchor, YNode node, long size, Mark at)
        {
            if (size > MaxExpandedNodes)
                throw new YamlException(at, at, $"this node expands to more than {MaxExpandedNodes} nodes through aliases (alias bomb?)");
            _sizes[node] = size;
            if (!anchor.IsEmpty) _anchors[anchor.Value] = node;
            return node;
        }
    }
}
