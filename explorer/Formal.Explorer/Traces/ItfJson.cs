using System.Globalization;
using System.Text.Json;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// The Informal Trace Format (ITF, Apalache ADR-015; emitted by Apalache and Quint): `#meta`,
/// `vars`, and `states` with `#meta.index`. Integers are `{"#bigint": "n"}`, sets `#set`, maps
/// `#map` (pairs), records objects, sequences arrays, enum values and objects strings, options
/// Quint variants (`{"tag": "Some", "value": v}`, `{"tag": "None", "value": {"#tup": []}}`).
/// Each state carries Quint's model-based-testing fields `mbt::actionTaken` and
/// `mbt::nondetPicks` (parameters and choices of the step that led to it); the violation is in
/// the trace's `#meta`.
public static class ItfJson
{
    public const string ActionTaken = "mbt::actionTaken";
    public const string NondetPicks = "mbt::nondetPicks";

    /// <param name="types">the type of each variable, for options (null: none is still a variant)</param>
    public static void Write(Utf8JsonWriter w, Trace t, Func<string, Ty?> types)
    {
        w.WriteStartObject();
        w.WritePropertyName("#meta");
        w.WriteStartObject();
        w.WriteString("format", "ITF");
        w.WriteString("format-description", "https://apalache-mc.org/docs/adr/015adr-trace.html");
        w.WriteString("source", t.File);
        w.WriteString("description", $"Created by formal from spec {t.Spec}" + (t.Config.Length > 0 ? $", configuration {t.Config}" : ""));
        w.WritePropertyName("constants");
        w.WriteStartObject();
        foreach (var (n, v) in t.Constants)
            if (v.IsBool) w.WriteBoolean(n, v.Int != 0); else WriteBigint(w, n, v.Int);
        w.WriteEndObject();
        w.WriteString("status", t.IsViolation ? "violation" : "ok");
        if (t.IsViolation)
        {
            w.WritePropertyName("violation");
            w.WriteStartObject();
            w.WriteString("kind", t.Violation.KindName);
            w.WriteString("property", t.Violation.Property);
            w.WriteString("message", t.Violation.Message);
            w.WriteNumber("step", t.Length);
            if (t.Violation.ConjunctText is { } c) w.WriteString("conjunct", c);
            if (t.Violation.Span is { IsNone: false } span) w.WriteString("location", span.ToString());
            if (t.FailingStep is { } f)
            {
                w.WriteString("failingAction", f.Action);
                w.WritePropertyName("failingPicks");
                WritePicks(w, f);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();

        w.WritePropertyName("vars");
        w.WriteStartArray();
        if (t.Steps.Count > 0)
            foreach (var (n, _) in t.Steps[0].State) w.WriteStringValue(n);
        w.WriteStringValue(ActionTaken);
        w.WriteStringValue(NondetPicks);
        w.WriteEndArray();

        w.WritePropertyName("states");
        w.WriteStartArray();
        for (int i = 0; i < t.Steps.Count; i++)
        {
            var step = t.Steps[i];
            w.WriteStartObject();
            w.WritePropertyName("#meta");
            w.WriteStartObject();
            w.WriteNumber("index", i);
            w.WriteEndObject();
            foreach (var (n, v) in step.State)
            {
                w.WritePropertyName(n);
                WriteValue(w, v, types(n));
            }
            w.WriteString(ActionTaken, step.Label?.Action ?? "init");
            w.WritePropertyName(NondetPicks);
            WritePicks(w, step.Label);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WritePicks(Utf8JsonWriter w, StepLabel? label)
    {
        w.WriteStartObject();
        if (label is not null)
            foreach (var (n, v) in label.Params.Concat(label.Choices))
            {
                w.WritePropertyName(n);
                w.WriteStartObject();
                w.WriteString("tag", "Some");
                w.WritePropertyName("value");
                WriteValue(w, v, null);
                w.WriteEndObject();
            }
        w.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter w, Value v, Ty? t)
    {
        if (t is OptionTy o)
        {
            w.WriteStartObject();
            w.WriteString("tag", v is VNone ? "None" : "Some");
            w.WritePropertyName("value");
            if (v is VNone)
            {
                w.WriteStartObject();
                w.WritePropertyName("#tup");
                w.WriteStartArray();
                w.WriteEndArray();
                w.WriteEndObject();
            }
            else WriteValue(w, v, o.Inner);
            w.WriteEndObject();
            return;
        }
        switch (v)
        {
            case VBool b: w.WriteBooleanValue(b.B); break;
            case VInt i:
                w.WriteStartObject();
                w.WriteString("#bigint", i.I.ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                break;
            case VEnum or VObj: w.WriteStringValue(v.Show()); break;
            case VNone:
                WriteValue(w, v, new OptionTy(AnyTy.Instance));
                break;
            case VSet s:
                w.WriteStartObject();
                w.WritePropertyName("#set");
                w.WriteStartArray();
                foreach (var x in s.Items) WriteValue(w, x, (t as SetTy)?.Elem);
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case VSeq q:
                w.WriteStartArray();
                foreach (var x in q.Items) WriteValue(w, x, (t as SeqTy)?.Elem);
                w.WriteEndArray();
                break;
            case VRecord r:
                w.WriteStartObject();
                var rt = t as RecordTy;
                foreach (var (name, x) in r.Fields)
                {
                    w.WritePropertyName(name);
                    WriteValue(w, x, rt?.Fields.FirstOrDefault(f => f.Name == name)?.Type);
                }
                w.WriteEndObject();
                break;
            case VMap m:
                w.WriteStartObject();
                w.WritePropertyName("#map");
                w.WriteStartArray();
                var mt = t as MapTy;
                foreach (var (k, x) in m.Entries)
                {
                    w.WriteStartArray();
                    WriteValue(w, k, mt?.Key);
                    WriteValue(w, x, mt?.Value);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                break;
        }
    }

    private static void WriteBigint(Utf8JsonWriter w, string name, long v)
    {
        w.WritePropertyName(name);
        w.WriteStartObject();
        w.WriteString("#bigint", v.ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }
}
