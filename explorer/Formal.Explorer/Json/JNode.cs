using System.Globalization;
using Formal.Spec.Diagnostics;

namespace Formal.Explorer.Json;

/// A JSON value with the position of its first character, so that problems in a trace file
/// are reported as `file:line:col`.
public abstract record JNode(SourceSpan Span)
{
    public abstract string KindName { get; }
}

public sealed record JString(SourceSpan Span, string Value) : JNode(Span) { public override string KindName => "a string"; }

/// A number kept as written; <see cref="Int"/> is set when it is an integer that fits 64 bits.
public sealed record JNumber(SourceSpan Span, string Text) : JNode(Span)
{
    public override string KindName => "a number";
    public long? Int => long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
}

public sealed record JBool(SourceSpan Span, bool Value) : JNode(Span) { public override string KindName => "a boolean"; }
public sealed record JNull(SourceSpan Span) : JNode(Span) { public override string KindName => "null"; }
public sealed record JArray(SourceSpan Span, IReadOnlyList<JNode> Items) : JNode(Span) { public override string KindName => "an array"; }

public sealed record JObject(SourceSpan Span, IReadOnlyList<(string Key, SourceSpan KeySpan, JNode Value)> Members) : JNode(Span)
{
    public override string KindName => "an object";
    public JNode? Get(string key) => Members.FirstOrDefault(m => m.Key == key).Value;
}
