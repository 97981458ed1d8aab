namespace Formal.Spec.Diagnostics;

/// A position in a source file: 1-based line and column. Spans are excluded from IR equality
/// (they live in records as this value type, which compares by value, so keep them out of keys).
public readonly record struct SourceSpan(string File, int Line, int Column)
{
    public static readonly SourceSpan None = new("", 0, 0);

    public bool IsNone => Line == 0;

    public override string ToString() => IsNone ? File : $"{File}:{Line}:{Column}";
}
