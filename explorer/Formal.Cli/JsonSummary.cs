using Formal.Explorer.Traces;
using Formal.Spec.Ir;

namespace Formal.Cli;

/// The `--json` summary of commands other than check: the contract's fields, with the trace.
public static class JsonSummary
{
    public static void Write(string? path, string command, string input, SpecIr? ir, string? result, Trace? trace,
        Action<System.Text.Json.Utf8JsonWriter>? extra = null)
    {
        if (path is null) return;
        AtomicFile.WriteJson(path, w =>
        {
            w.WriteStartObject();
            w.WriteString("command", command);
            w.WriteString("spec", ir?.File ?? input);
            if (command != "simulate") w.WriteString("input", input);
            w.WriteString("config", ir?.Config ?? "");
            w.WriteString("result", result ?? "error");
            WriteConstants(w, ir);
            extra?.Invoke(w);
            if (trace is { IsViolation: true }) TraceJson.WriteViolation(w, trace);
            else w.WriteNull("violation");
            w.WriteEndObject();
        });
    }

    /// The constants the run used (bools as JSON booleans), when the spec was loaded.
    public static void WriteConstants(System.Text.Json.Utf8JsonWriter w, SpecIr? ir)
    {
        if (ir is null) return;
        w.WritePropertyName("constants");
        w.WriteStartObject();
        foreach (var (n, v) in ir.Constants)
            if (v.IsBool) w.WriteBoolean(n, v.Int != 0); else w.WriteNumber(n, v.Int);
        w.WriteEndObject();
    }
}
