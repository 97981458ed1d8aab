using System.Text.Json;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Traces;

/// The project's trace file (`--trace FILE`): the spec, configuration and constants, the
/// violation and every step with its action, parameters, choices and full state. Read back by
/// <see cref="TraceReader"/>; a reader rejects other format versions.
public static class TraceJson
{
    public const string Format = "formal-trace/1";

    public static void Write(Utf8JsonWriter w, Trace t)
    {
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteString("spec", t.Spec);
        w.WriteString("file", t.File);
        w.WriteString("config", t.Config);
        w.WritePropertyName("constants");
        w.WriteStartObject();
        foreach (var (n, v) in t.Constants)
            if (v.IsBool) w.WriteBoolean(n, v.Int != 0); else w.WriteNumber(n, v.Int);
        w.WriteEndObject();
        WriteViolation(w, t);
        w.WriteEndObject();
    }

    public static void WriteViolation(Utf8JsonWriter w, Trace t)
    {
        w.WritePropertyName("violation");
        w.WriteStartObject();
        w.WriteString("property", t.Violation.Property);
        w.WriteString("kind", t.Violation.KindName);
        w.WriteString("message", t.Violation.Message);
        if (t.Violation.ConjunctText is { } c) w.WriteString("conjunct", c);
        if (t.Violation.Conjunct is { } ci) w.WriteNumber("conjunct_index", ci);
        if (t.Violation.Span is { IsNone: false } span) w.WriteString("location", span.ToString());
        w.WriteNumber("length", t.Length);
        w.WritePropertyName("trace");
        w.WriteStartArray();
        foreach (var step in t.Steps) WriteStep(w, step.Label, step.State, step.Kernel);
        if (t.FailingStep is { } f) WriteStep(w, f, null, null);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter w, StepLabel? label, IReadOnlyList<(string Name, Value Value)>? state, string? kernel)
    {
        w.WriteStartObject();
        w.WriteString("action", label?.Action ?? "init");
        w.WritePropertyName("params");
        w.WriteStartObject();
        if (label is not null)
            foreach (var (n, v) in label.Params)
            {
                w.WritePropertyName(n);
                ValueJson.Write(w, v);
            }
        w.WriteEndObject();
        if (label is { Choices.Count: > 0 })
        {
            w.WritePropertyName("choices");
            w.WriteStartObject();
            foreach (var (n, v) in label.Choices)
            {
                w.WritePropertyName(n);
                ValueJson.Write(w, v);
            }
            w.WriteEndObject();
        }
        if (kernel is not null) w.WriteString("kernel", kernel);
        w.WritePropertyName("state");
        if (state is null) w.WriteNullValue();
        else
        {
            w.WriteStartObject();
            foreach (var (n, v) in state)
            {
                w.WritePropertyName(n);
                ValueJson.Write(w, v);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
