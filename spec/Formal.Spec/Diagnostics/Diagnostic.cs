namespace Formal.Spec.Diagnostics;

public enum Severity { Error, Warning }

/// One problem found in a spec or scenario, as a value. Rendered once, at the edge, as
/// `file:line:col: error: message`.
public sealed record Diagnostic(SourceSpan Span, Severity Severity, string Message)
{
    public string Render() =>
        $"{Span}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}";

    public override string ToString() => Render();
}

/// Collects diagnostics across passes so that all errors are reported at once.
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = new();
    private readonly HashSet<(SourceSpan, string)> _seen = new();

    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.Severity == Severity.Error);
    public int Count => _items.Count;

    public void Error(SourceSpan span, string message)
    {
        if (_seen.Add((span, message))) _items.Add(new Diagnostic(span, Severity.Error, message));
    }

    public void Warning(SourceSpan span, string message)
    {
        if (_seen.Add((span, message))) _items.Add(new Diagnostic(span, Severity.Warning, message));
    }

    public void AddRange(IEnumerable<Diagnostic> items)
    {
        foreach (var d in items)
            if (_seen.Add((d.Span, d.Message))) _items.Add(d);
    }

    /// Errors sorted by position (stable), so output does not depend on pass order.
    public IReadOnlyList<Diagnostic> Sorted() =>
        _items.OrderBy(d => d.Span.File, StringComparer.Ordinal).ThenBy(d => d.Span.Line)
              .ThenBy(d => d.Span.Column).ToList();
}

/// Thrown only to abort a pass early; carries the diagnostics collected so far.
public sealed class SpecException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics.Select(d => d.Render())))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
