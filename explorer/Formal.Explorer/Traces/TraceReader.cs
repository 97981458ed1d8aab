using System.Globalization;
using Formal.Explorer.Json;
using Formal.Explorer.Scenarios;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// A trace file as read, before its values are typed: enough to find and load the spec it
/// belongs to (file, configuration, constants with their positions in the trace file).
public sealed record RawTrace(string Path, string Spec, string File, SourceSpan FileSpan, string Config, IReadOnlyList<ConstOverride> Constants, JObject Root);

/// Reads the project's trace file (<see cref="TraceJson.Format"/>) back into a <see cref="Trace"/>:
/// first the header (<see cref="ReadHeader"/>), then, with the spec loaded, the typed states.
public static class TraceReader
{
    public static RawTrace? ReadHeader(string path, DiagnosticBag diags)
    {
        if (JsonTree.LoadFile(path, diags) is not { } root) return null;
        if (root is not JObject o)
        {
            diags.Error(root.Span, $"a trace file must be a JSON object, not {root.KindName}");
            return null;
        }
        var format = o.Get("format");
        if (format is not JString { Value: TraceJson.Format })
        {
            diags.Error(format?.Span ?? o.Span, format is JString fs
                ? $"unsupported trace format '{fs.Value}' (this formal reads {TraceJson.Format})"
                : $"not a formal trace file: missing \"format\": \"{TraceJson.Format}\"");
            return null;
        }
        string? Str(string key)
        {
            if (o.Get(key) is JString s) return s.Value;
            diags.Error(o.Get(key)?.Span ?? o.Span, $"missing or malformed \"{key}\" (a string)");
            return null;
        }
        var spec = Str("spec");
        var file = Str("file");
        var config = Str("config");
        var consts = new List<ConstOverride>();
        if (o.Get("constants") is JObject cs)
            foreach (var (name, span, value) in cs.Members)
            {
                if (value is JBool b) consts.Add(new ConstOverride(name, ConstValue.OfBool(b.Value), span));
                else if (value is JNumber { Int: { } i }) consts.Add(new ConstOverride(name, ConstValue.OfInt(i), span));
                else diags.Error(value.Span, $"constant '{name}': expected an integer or boolean");
            }
        if (spec is null || file is null || config is null) return null;
        return new RawTrace(path, spec, file, o.Get("file")!.Span, config, consts, o);
    }

    /// Types the states of <paramref name="raw"/> with the spec it was made from.
    public static Trace? Resolve(RawTrace raw, SpecIr ir, DiagnosticBag diags)
    {
        int before = diags.Items.Count(d => d.Severity == Severity.Error);
        var values = new ValueReader(ir, diags);
        if (raw.Root.Get("violation") is not JObject v)
        {
            diags.Error(raw.Root.Span, "missing \"violation\" (an object)");
            return null;
        }
        var violation = ReadViolation(v, diags);
        if (v.Get("trace") is not JArray steps || steps.Items.Count == 0)
        {
            diags.Error(v.Span, "missing \"trace\" (a non-empty array of steps)");
            return null;
        }
        var result = new List<TraceStep>();
        StepLabel? failing = null;
        for (int i = 0; i < steps.Items.Count; i++)
        {
            if (steps.Items[i] is not JObject s)
            {
                diags.Error(steps.Items[i].Span, "a step must be an object with action, params and state");
                continue;
            }
            var label = ReadLabel(s, i == 0, ir, values, diags);
            var state = s.Get("state");
            if (state is null or JNull)
            {
                if (i != steps.Items.Count - 1) diags.Error(s.Span, "only the last step may lack a state (the step that failed)");
                failing = label;
                continue;
            }
            if (state is not JObject so)
            {
                diags.Error(state.Span, "\"state\" must be an object of variable values");
                continue;
            }
            var vars = new List<(string, Value)>();
            foreach (var var in ir.Vars)
            {
                if (so.Get(var.Name) is not { } jv) diags.Error(so.Span, $"the state lacks the variable '{var.Name}' of spec {ir.Name}");
                else if (values.Read(var.Type, jv, var.Name) is { } value) vars.Add((var.Name, value));
            }
            foreach (var (key, span, _) in so.Members)
                if (!ir.Vars.Any(x => x.Name == key)) diags.Error(span, $"'{key}' is not a variable of spec {ir.Name}{Suggest.Hint(key, ir.Vars.Select(x => x.Name))}");
            result.Add(new TraceStep(i == 0 && label is { Choices.Count: 0 } ? null : label, EquatableArray<(string, Value)>.From(vars),
                s.Get("kernel") is JString kernel ? kernel.Value : null));
        }
        if (violation is null || diags.Items.Count(d => d.Severity == Severity.Error) > before) return null;
        return new Trace(ir.Name, raw.File, ir.Config, EquatableArray<TraceStep>.From(result), violation, failing, ir.Constants);
    }

    private static Violation? ReadViolation(JObject v, DiagnosticBag diags)
    {
        var kindNode = v.Get("kind");
        ViolationKind? kind = kindNode is JString ks ? Violation.Parse(ks.Value) : null;
        if (kind is null)
        {
            diags.Error(kindNode?.Span ?? v.Span, "\"kind\" must be one of invariant, assertion, deadlock, error, kernel, refinement, none");
            return null;
        }
        string property = v.Get("property") is JString p ? p.Value : "";
        string message = v.Get("message") is JString m ? m.Value : "";
        string? conjunct = v.Get("conjunct") is JString c ? c.Value : null;
        SourceSpan? location = v.Get("location") is JString l ? ParseLocation(l.Value) : null;
        int? index = v.Get("conjunct_index") is JNumber { Int: { } ci } ? (int)ci : null;
        return new Violation(kind.Value, property, message, location, index, conjunct);
    }

    /// "file:line:col" as written by <see cref="SourceSpan.ToString"/>.
    public static SourceSpan? ParseLocation(string text)
    {
        int c2 = text.LastIndexOf(':');
        int c1 = c2 > 0 ? text.LastIndexOf(':', c2 - 1) : -1;
        if (c1 <= 0) return null;
        if (!int.TryParse(text.AsSpan(c1 + 1, c2 - c1 - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            || !int.TryParse(text.AsSpan(c2 + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var col)) return null;
        return new SourceSpan(text[..c1], line, col);
    }

    /// A choice that names a branch of an `either` of that owner (as the generator labels it).
    private static Value? Branch(Dictionary<string, List<SEitherIr>> eithers, string owner, JNode n)
    {
        if (n is not JString label || !eithers.TryGetValue(owner, out var list)) return null;
        foreach (var e in list)
        {
            int i = e.Labels.Items.IndexOf(label.Value);
            if (i >= 0) return new VEnum("branch", label.Value, i);
        }
        return null;
    }

    private static StepLabel? ReadLabel(JObject s, bool first, SpecIr ir, ValueReader values, DiagnosticBag diags)
    {
        if (s.Get("action") is not JString action)
        {
            diags.Error(s.Span, "a step needs \"action\" (a string)");
            return null;
        }
        var ps = new List<(string, Value)>();
        ActionIr? decl = null;
        if (!first)
        {
            decl = ir.Actions.FirstOrDefault(a => a.Name == action.Value);
            if (decl is null)
            {
                diags.Error(action.Span, $"'{action.Value}' is not an action of spec {ir.Name}{Suggest.Hint(action.Value, ir.Actions.Select(a => a.Name))}");
                return null;
            }
        }
        else if (action.Value != "init") diags.Error(action.Span, "the first step must be \"init\"");
        if (decl is not null)
        {
            var given = s.Get("params") as JObject;
            foreach (var p in decl.Params)
            {
                if (given?.Get(p.Name) is not { } pv) diags.Error(given?.Span ?? s.Span, $"{decl.Name}: missing parameter '{p.Name}'");
                else if (values.Read(p.Type, pv, $"{decl.Name}({p.Name})") is { } value) ps.Add((p.Name, value));
            }
        }
        var choices = new List<(string, Value)>();
        if (s.Get("choices") is JObject ch)
        {
            var eithers = SpecActions.Eithers(decl?.Body ?? ir.Init);
            foreach (var (name, _, cv) in ch.Members)
                if (Branch(eithers, name, cv) is { } branch) choices.Add((name, branch));
                else if (values.ReadLoose(cv, $"choice {name}") is { } value) choices.Add((name, value));
        }
        return new StepLabel(action.Value, EquatableArray<(string, Value)>.From(ps), EquatableArray<(string, Value)>.From(choices));
    }
}
