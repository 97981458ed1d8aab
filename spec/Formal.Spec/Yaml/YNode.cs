using Formal.Spec.Diagnostics;

namespace Formal.Spec.Yaml;

/// A YAML node with its source position, built from parser events so that every error can point
/// at the exact line and column (also inside expression strings, see <see cref="YScalar.SpanAt"/>).
public abstract record YNode(SourceSpan Span)
{
    public abstract string KindName { get; }
}

public enum ScalarStyle { Plain, SingleQuoted, DoubleQuoted, Literal, Folded }

public sealed record YScalar(SourceSpan Span, string Value, ScalarStyle Style, SourceText Source, int StartIndex, int EndIndex)
    : YNode(Span)
{
    public override string KindName => "a scalar";

    /// True for an explicit YAML null (`~`, `null` or nothing) written without quotes.
    public bool IsNull => Style == ScalarStyle.Plain && (Value is "" or "~" or "null" or "Null" or "NULL");

    /// Source position of character <paramref name="offset"/> of <see cref="Value"/>. Plain and
    /// quoted scalars may fold lines and escape characters, so value characters are aligned
    /// greedily with the raw text between the scalar's start and end marks.
    public SourceSpan SpanAt(int offset)
    {
        if (offset <= 0 && Style == ScalarStyle.Plain) return Span;
        var raw = Source.Text;
        int pos = StartIndex;
        int end = Math.Min(EndIndex, raw.Length);
        if (Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) pos++;
        else if (Style is ScalarStyle.Literal or ScalarStyle.Folded)
        {
            while (pos < end && raw[pos] != '\n') pos++; // skip the indicator line
            pos++;
        }
        for (int i = 0; i < offset && i < Value.Length && pos < end; i++)
        {
            char c = Value[i];
            if (char.IsWhiteSpace(c))
            {
                if (pos < end && raw[pos] == c) pos++;
                continue;
            }
            int probe = pos;
            while (probe < end && raw[probe] != c) probe++;
            if (probe < end) pos = probe + 1;
        }
        // Skip whitespace that folding removed, so the position lands on the token itself.
        if (offset < Value.Length && !char.IsWhiteSpace(Value[offset]))
        {
            int probe = pos;
            while (probe < end && raw[probe] != Value[offset]) probe++;
            if (probe < end) pos = probe;
        }
        var (line, col) = Source.LineColumn(Math.Min(pos, raw.Length));
        return new SourceSpan(Span.File, line, col);
    }
}

public sealed record YEntry(YScalar Key, YNode Value);

public sealed record YMap(SourceSpan Span, IReadOnlyList<YEntry> Entries) : YNode(Span)
{
    public override string KindName => "a mapping";

    public YNode? Get(string key) => Entries.FirstOrDefault(e => e.Key.Value == key)?.Value;
    public YEntry? GetEntry(string key) => Entries.FirstOrDefault(e => e.Key.Value == key);
}

public sealed record YSeq(SourceSpan Span, IReadOnlyList<YNode> Items) : YNode(Span)
{
    public override string KindName => "a list";
}

/// The text of a loaded file, with a line index for offset -> line:column.
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string path, string text)
    {
        Path = path;
        Text = text;
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') starts.Add(i + 1);
        _lineStarts = starts.ToArray();
    }

    public string Path { get; }
    public string Text { get; }

    public (int Line, int Column) LineColumn(int index)
    {
        int line = Array.BinarySearch(_lineStarts, index);
        if (line < 0) line = ~line - 1;
        return (line + 1, index - _lineStarts[line] + 1);
    }

    public SourceSpan SpanOf(int index)
    {
        var (l, c) = LineColumn(index);
        return new SourceSpan(Path, l, c);
    }
}
