using System.Text.Json;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Traces;

/// JSON for values, in the style of ITF (Apalache/Quint): sets as {"#set": [...]}, maps as
/// {"#map": [[k, v], ...]}, sequences as arrays, records as objects, enum values and pool
/// objects as strings, none as null.
public static class ValueJson
{
    public static void Write(Utf8JsonWriter w, Value v)
    {
        switch (v)
        {
            case VBool b: w.WriteBooleanValue(b.B); break;
            case VInt i: w.WriteNumberValue(i.I); break;
            case VEnum e: w.WriteStringValue(e.Name); break;
            case VObj o: w.WriteStringValue(o.Show()); break;
            case VNone: w.WriteNullValue(); break;
            case VSet s:
                w.WriteStartObject();
                w.WritePropertyName("#set");
                w.WriteStartArray();
                foreach (var x in s.Items) Write(w, x);
                w.WriteEndArray();
                w.WriteEndObject();
                break;
            case VSeq q:
                w.WriteStartArray();
                foreach (var x in q.Items) Write(w, x);
                w.WriteEndArray();
                break;
            case VRecord r:
                w.WriteStartObject();
                foreach (var (name, x) in r.Fields)
                {
                    w.WritePropertyName(name);
                    Write(w, x);
                }
                w.WriteEndObject();
                break;
            case VMap m:
                w.WriteStartObject();
                w.WritePropertyName("#map");
                w.WriteStartArray();
                foreach (var (k, x) in m.Entries)
                {
                    w.WriteStartArray();
                    Write(w, k);
                    Write(w, x);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                break;
        }
    }
}
