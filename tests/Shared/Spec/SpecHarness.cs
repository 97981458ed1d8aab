using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;

namespace Formal.Tests;

/// Loads specs from text or files for tests; failures show the diagnostics.
public static class SpecHarness
{
    public static SpecIr Load(string yaml, string? config = null, params (string Name, long Value)[] consts)
    {
        var diags = new DiagnosticBag();
        var ir = SpecLoader.LoadText("test.yaml", yaml, config, Overrides(consts), diags);
        Assert.True(ir is not null, "spec does not check:\n" + string.Join("\n", diags.Sorted().Select(d => d.Render())));
        return ir!;
    }

    public static SpecIr LoadFile(string path, string? config = null, params (string Name, long Value)[] consts)
    {
        var diags = new DiagnosticBag();
        var ir = SpecLoader.Load(path, config, Overrides(consts), diags);
        Assert.True(ir is not null, "spec does not check:\n" + string.Join("\n", diags.Sorted().Select(d => d.Render())));
        return ir!;
    }

    /// The rendered diagnostics of a spec that must not check.
    public static List<string> Errors(string yaml, string file = "test.yaml")
    {
        var diags = new DiagnosticBag();
        var ir = SpecLoader.LoadText(file, yaml, null, [], diags);
        Assert.Null(ir);
        return diags.Sorted().Where(d => d.Severity == Severity.Error).Select(d => d.Render()).ToList();
    }

    private static List<ConstOverride> Overrides((string Name, long Value)[] consts) =>
        consts.Select(c => new ConstOverride(c.Name, ConstValue.OfInt(c.Value), new SourceSpan(Checker.CommandLine, 0, 0))).ToList();

    /// Initial states of a spec, decoded.
    public static List<IReadOnlyList<(string Name, Value Value)>> InitialStates(SpecIr ir, Evaluator? evaluator = null)
    {
        var ts = new SpecTransitionSystem(ir, evaluator: evaluator);
        var c = new Collector(ts);
        ts.NewGenerator().Initial(c);
        return c.States;
    }

    /// The value of `r` after `init: r := EXPR` with `r` of the given type.
    public static Value Eval(string expr, string type, string extra = "", Evaluator? evaluator = null)
    {
        var yaml = $"spec: t\n{extra}\nvariables:\n  r: \"{type}\"\ninit:\n  - \"r := {expr.Replace("\"", "\\\"")}\"\n";
        var states = InitialStates(Load(yaml), evaluator);
        Assert.Single(states);
        return states[0].Single(v => v.Name == "r").Value;
    }

    public sealed class Collector(ITransitionSystem ts) : IStateVisitor
    {
        public List<IReadOnlyList<(string Name, Value Value)>> States { get; } = new();
        public List<string> Labels { get; } = new();
        public List<string> Assertions { get; } = new();
        public List<string> Bounds { get; } = new();

        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
        {
            States.Add(ts.Decode(packed));
            Labels.Add(g.CurrentLabel().Show());
        }

        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) => Assertions.Add(assertion);
        public void OnBoundReached(IStateGenerator g, string pool) => Bounds.Add(pool);
    }
}
