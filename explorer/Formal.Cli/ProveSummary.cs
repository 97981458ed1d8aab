using Formal.Explorer.Traces;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Engines;

namespace Formal.Cli;

/// The `--json` summary of `formal prove`: `check`'s fields (the state counts do not apply and
/// are null), the method, the proof's k, every solver check with its timings, the violation and
/// the counterexample to induction.
internal static class ProveSummary
{
    public static void Write(ParsedArgs a, string specPath, SpecIr? ir, ProveResult? r, ProveCommand.Shown? shown, string verdict, string? reason)
    {
        if (a.Get("--json") is not { } path) return;
        AtomicFile.WriteJson(path, w =>
        {
            w.WriteStartObject();
            w.WriteString("command", "prove");
            w.WriteString("spec", specPath);
            w.WriteString("config", ir?.Config ?? a.Get("--config") ?? "");
            w.WriteString("result", verdict);
            JsonSummary.WriteConstants(w, ir);
            w.WriteString("method", a.Has("--bmc") && !a.Has("--induction") ? "bmc" : "k-induction");
            // The SMT back end does not enumerate states: the counts of `check` do not apply.
            w.WriteNull("distinct_states");
            w.WriteNull("generated_states");
            if (r is not null)
            {
                w.WriteNumber("depth", r.BmcDepth);
                w.WriteNumber("elapsed_s", Math.Round(r.ElapsedSeconds, 3));
                if (r.ProvedK is { } k) w.WriteNumber("proved_k", k); else w.WriteNull("proved_k");
            }
            if (reason is not null) w.WriteString("reason", reason);
            if (r is not null)
            {
                w.WritePropertyName("checks");
                w.WriteStartArray();
                foreach (var c in r.Checks)
                {
                    w.WriteStartObject();
                    w.WriteString("query", c.Query);
                    w.WriteNumber("depth", c.Depth);
                    if (c.Action is { } action) w.WriteString("action", action);
                    w.WriteNumber("encode_s", Math.Round(c.EncodeSeconds, 4));
                    w.WriteNumber("solve_s", Math.Round(c.SolveSeconds, 4));
                    w.WriteString("result", c.Result.ToString());
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (shown?.Violation is { } t) TraceJson.WriteViolation(w, t);
            else w.WriteNull("violation");
            if (shown?.Cti is { } cti && r?.Cti is { } info)
            {
                w.WritePropertyName("counterexample_to_induction");
                w.WriteStartObject();
                w.WriteNumber("k", info.K);
                w.WriteNumber("searched_depth", info.SearchedDepth);
                if (info.ReachableAt is { } at) w.WriteNumber("reachable_at", at); else w.WriteNull("reachable_at");
                TraceJson.WriteViolation(w, cti);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });
    }
}
