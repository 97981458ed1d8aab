using System.Runtime.CompilerServices;

namespace Formal.Reference;

/// <summary>
/// An interpolated message that is formatted only when it will be used: a log line while a step log is being
/// kept, an assertion's text when its condition holds. Exploring millions of steps without a log, the messages
/// of the assertions that hold were most of the model's string building.
/// </summary>
[InterpolatedStringHandler]
public ref struct LazyMessage
{
    private DefaultInterpolatedStringHandler _inner;
    private readonly bool _enabled;

    /// <summary>For an assertion: formatted when <paramref name="condition"/> holds.</summary>
    public LazyMessage(int literalLength, int formattedCount, bool condition, out bool enabled)
    {
        _enabled = enabled = condition;
        _inner = condition ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    /// <summary>For a dereference: formatted when the pointer is NULL or the object freed.</summary>
    public LazyMessage(int literalLength, int formattedCount, HeapObject? pointer, out bool enabled)
        : this(literalLength, formattedCount, pointer is null || pointer.Freed, out enabled)
    {
    }

    /// <summary>For a log line: formatted when the rule set keeps a step log.</summary>
    public LazyMessage(int literalLength, int formattedCount, RuleSet owner, out bool enabled)
        : this(literalLength, formattedCount, owner.Logging, out enabled)
    {
    }

    public void AppendLiteral(string s) => _inner.AppendLiteral(s);

    public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

    public void AppendFormatted(string? value) => _inner.AppendFormatted(value);

    /// <summary>The text (empty when it was not formatted).</summary>
    public string ToStringAndClear() => _enabled ? _inner.ToStringAndClear() : "";
}
