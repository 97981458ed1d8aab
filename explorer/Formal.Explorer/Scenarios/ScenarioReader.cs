using System.Globalization;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;
using Formal.Spec.Types;
using Formal.Spec.Yaml;

namespace Formal.Explorer.Scenarios;

/// Reads a scenario file with positions (the spec language's YAML loader), checking its shape:
/// known keys with "did you mean", required keys, and the syntax of every step.
public static class ScenarioReader
{
    private static readonly string[] TopKeys = ["scenario", "doc", "spec", "config", "constants", "rule_sets", "init", "steps", "expect"];
    private static readonly string[] ExpectKeys = ["violation", "final"];
    private static readonly string[] ViolationKeys = ["kind", "property", "step", "message"];

    public static Scenario? Read(string path, DiagnosticBag diags)
    {
        var root = YamlLoader.LoadFile(path, diags);
        return root is null ? null : Read(path, root, diags);
    }

    public static Scenario? ReadText(string path, string text, DiagnosticBag diags)
    {
        var root = YamlLoader.Load(path, text, diags);
        return root is null ? null : Read(path, root, diags);
    }

    private static Scenario? Read(string path, YNode root, DiagnosticBag diags)
    {
        int errors = diags.Items.Count(d => d.Severity == Severity.Error);
        if (root is not YMap map)
        {
            diags.Error(root.Span, $"a scenario must be a mapping with the keys {string.Join(", ", TopKeys)}; found {root.KindName}");
            return null;
        }
        CheckKeys(map, TopKeys, "a scenario", diags);
        var name = Scalar(map, "scenario", "the scenario's name", diags, required: true);
        var doc = Scalar(map, "doc", "free text", diags, required: false);
        var spec = Scalar(map, "spec", "the spec file, relative to this file", diags, required: true);
        var config = Scalar(map, "config", "a configuration name of the spec", diags, required: false);

        var consts = new List<ConstOverride>();
        if (map.Get("constants") is { } cn)
        {
            if (cn is YMap cm)
                foreach (var e in cm.Entries)
                {
                    if (e.Value is YScalar { Value: "true" or "false" } b) consts.Add(new ConstOverride(e.Key.Value, ConstValue.OfBool(b.Value == "true"), e.Value.Span));
                    else if (e.Value is YScalar s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                        consts.Add(new ConstOverride(e.Key.Value, ConstValue.OfInt(v), e.Value.Span));
                    else diags.Error(e.Value.Span, $"constant '{e.Key.Value}': expected an integer or true/false");
                }
            else diags.Error(cn.Span, $"'constants' must be a mapping NAME: value, not {cn.KindName}");
        }

        var ruleSets = new List<string>();
        var ruleSetExpect = new List<(string, ExpectedViolation)>();
        if (map.Get("rule_sets") is { } rn)
        {
            if (rn is YMap rm)
                foreach (var e in rm.Entries)
                {
                    ruleSets.Add(e.Key.Value);
                    if (ReadViolation(e.Value, diags) is { } ev) ruleSetExpect.Add((e.Key.Value, ev));
                }
            else if (rn is YSeq rs)
                foreach (var item in rs.Items)
                    if (item is YScalar s && s.Value.Length > 0) ruleSets.Add(s.Value);
                    else diags.Error(item.Span, "a rule set is a name");
            else if (rn is YScalar one && one.Value.Length > 0) ruleSets.Add(one.Value);
            else diags.Error(rn.Span, "'rule_sets' must be a list of names, or a mapping NAME: violation (none or { kind, property, step, message })");
        }

        ScenarioStep? init = null;
        if (map.Get("init") is { } initNode)
        {
            if (initNode is YScalar s) init = StepParser.Parse(s, diags, isInit: true);
            else diags.Error(initNode.Span, "'init' must be a string: 'choosing NAME=VALUE, ...'");
        }

        var steps = new List<ScenarioStep>();
        if (map.Get("steps") is not { } stepsNode) diags.Error(map.Span, "missing key 'steps' (the operations, a list of strings like 'Action(p=v, q=w)')");
        else if (stepsNode is YSeq seq)
        {
            foreach (var item in seq.Items)
                if (item is YScalar s) { if (StepParser.Parse(s, diags, isInit: false) is { } st) steps.Add(st); }
                else diags.Error(item.Span, $"a step is a string like 'Action(p=v, q=w)', not {item.KindName} (quote it if it contains ': ')");
        }
        else if (stepsNode is YScalar { IsNull: true }) { }
        else diags.Error(stepsNode.Span, $"'steps' must be a list, not {stepsNode.KindName}");

        var (expect, final) = ReadExpect(map, diags);

        if (diags.Items.Count(d => d.Severity == Severity.Error) > errors || name is null || spec is null || expect is null) return null;
        return new Scenario(name.Value, path, doc?.Value, spec.Value, spec.Span, config?.Value,
            EquatableArray<ConstOverride>.From(consts), EquatableArray<string>.From(ruleSets), init,
            EquatableArray<ScenarioStep>.From(steps), expect, EquatableArray<QueryText>.From(final),
            EquatableArray<(string, ExpectedViolation)>.From(ruleSetExpect));
    }

    private static (ExpectedViolation?, List<QueryText>) ReadExpect(YMap map, DiagnosticBag diags)
    {
        var final = new List<QueryText>();
        if (map.Get("expect") is not { } node)
        {
            diags.Error(map.Span, "missing key 'expect' (e.g. 'expect: { violation: none }' or 'expect: { violation: { kind: invariant, property: NAME, step: N } }')");
            return (null, final);
        }
        if (node is not YMap em)
        {
            diags.Error(node.Span, $"'expect' must be a mapping with 'violation' (and optionally 'final'), not {node.KindName}");
            return (null, final);
        }
        CheckKeys(em, ExpectKeys, "'expect'", diags);
        if (em.Get("final") is { } fn)
        {
            var items = fn is YSeq fs ? fs.Items : [fn];
            int i = 0;
            foreach (var item in items)
            {
                i++;
                if (item is YScalar s) final.Add(new QueryText($"final assertion {i}", s.Value, s.SpanAt));
                else diags.Error(item.Span, "a final assertion is a boolean expression of the spec (a string)");
            }
        }
        var v = em.Get("violation");
        if (v is null)
        {
            diags.Error(em.Span, "'expect' needs 'violation': none, or { kind, property, step }");
            return (null, final);
        }
        return (ReadViolation(v, diags), final);
    }

    /// `none`, or `{ kind, property, step, message }`.
    private static ExpectedViolation? ReadViolation(YNode v, DiagnosticBag diags)
    {
        if (v is YScalar { Value: "none" } none) return new ExpectedViolation(none.Span, ViolationKind.None, "none", null, null);
        if (v is not YMap vm)
        {
            diags.Error(v.Span, "'violation' must be 'none' or a mapping { kind, property, step, message }");
            return null;
        }
        CheckKeys(vm, ViolationKeys, "'violation'", diags);
        var kindNode = Scalar(vm, "kind", "invariant, assertion, deadlock, error, kernel or refinement", diags, required: true);
        ViolationKind? kind = kindNode is null ? null : Violation.Parse(kindNode.Value);
        if (kindNode is not null && kind is null or ViolationKind.None)
        {
            diags.Error(kindNode.Span, $"unknown violation kind '{kindNode.Value}': expected invariant, assertion, deadlock, error, kernel or refinement{Suggest.Hint(kindNode.Value, ["invariant", "assertion", "deadlock", "error", "kernel", "refinement"])}");
            return null;
        }
        var property = Scalar(vm, "property", "the invariant's name (assert, deadlock or error for the other kinds)", diags, required: false);
        int? step = null;
        if (Scalar(vm, "step", "a step number", diags, required: false) is { } sn)
        {
            if (int.TryParse(sn.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) step = n;
            else diags.Error(sn.Span, $"'step' must be a step number (0 = the initial state), not '{sn.Value}'");
        }
        var message = Scalar(vm, "message", "text the violation's message contains", diags, required: false);
        if (kind is null) return null;
        var prop = property?.Value ?? kind switch
        {
            ViolationKind.Assertion => "assert",
            ViolationKind.Deadlock => "deadlock",
            ViolationKind.Error => "error",
            _ => "",
        };
        if (prop.Length == 0)
        {
            diags.Error(vm.Span, "an invariant, kernel or refinement violation needs 'property' (the invariant's name, the kernel violation kind, or step/abstraction/degree)");
            return null;
        }
        return new ExpectedViolation(vm.Span, kind.Value, prop, step, message?.Value);
    }

    private static YScalar? Scalar(YMap map, string key, string what, DiagnosticBag diags, bool required)
    {
        var node = map.Get(key);
        if (node is null)
        {
            if (required) diags.Error(map.Span, $"missing key '{key}' ({what})");
            return null;
        }
        if (node is YScalar s && !s.IsNull) return s;
        diags.Error(node.Span, $"'{key}' must be {what}, not {node.KindName}");
        return null;
    }

    private static void CheckKeys(YMap map, string[] known, string where, DiagnosticBag diags)
    {
        foreach (var e in map.Entries)
            if (!known.Contains(e.Key.Value))
                diags.Error(e.Key.Span, $"unknown key '{e.Key.Value}' in {where}{Suggest.Hint(e.Key.Value, known)}; expected one of {string.Join(", ", known)}");
    }
}
