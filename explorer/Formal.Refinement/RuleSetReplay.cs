using Formal.Explorer.Scenarios;
using Formal.Explorer.Traces;
using Formal.Reference;
using Formal.Reference.RuleSets;
using Formal.Spec.Diagnostics;
using Machine = Formal.Reference.Machine;
using ViolationKind = Formal.Explorer.Traces.ViolationKind;

namespace Formal.Refinement;

/// A scenario replayed against a rule set: its operations run on the reference model with the
/// refinement checker's step checks, and the first failure is compared with what the scenario
/// expects of that rule set (<see cref="Scenario.ExpectFor"/>).
public sealed record RuleSetReplayOutcome(string RuleSet, string Kernel, Scenario Scenario, PathCheck Check, ExpectedViolation Expect, IReadOnlyList<string> Mismatches)
{
    public bool Behaves => Mismatches.Count == 0;
}

public static class RuleSetReplay
{
    public static RuleSetReplayOutcome? Run(Scenario s, string ruleSet, DiagnosticBag diags)
    {
        if (!RuleSetRegistry.TryGetFactory(ruleSet, out var factory))
        {
            diags.Error(new SourceSpan(s.File, 1, 1), $"no rule set named '{ruleSet}'; known: {string.Join(", ", RuleSetRegistry.Names)}");
            return null;
        }
        var specPath = s.ResolveSpecPath();
        if (!File.Exists(specPath))
        {
            diags.Error(s.SpecSpan, $"spec file not found: {s.SpecPath} (looked for {specPath}; the path is relative to the scenario file)");
            return null;
        }
        var setup = RefinementSetup.Load(specPath, s.Config, s.Constants, inject: true, diags);
        if (setup is null) return null;
        var bound = ScenarioBinder.Bind(s with { Final = default }, setup.Ir, diags);
        if (bound is null) return null;
        var ops = new List<Operation>();
        for (int i = 0; i < bound.Value.Steps.Count; i++)
        {
            var req = bound.Value.Steps[i];
            var decl = setup.Ir.Actions.First(a => a.Name == req.Action);
            var ps = decl.Params.Select(p => req.Params.First(x => x.Name == p.Name).Value)
                .Select(v => v.StartsWith("Proc", StringComparison.Ordinal) ? "p" + v[4..] : v == "vm_area" ? "vma" : v);
            var text = $"{req.Action}({string.Join(", ", ps)})";
            if (OperationParser.TryParse(text, out var op, out var why)) ops.Add(op);
            else diags.Error(s.Steps[i].Span, $"{text} is not an operation of the reference model: {why}");
        }
        if (diags.HasErrors) return null;
        var machine = new Machine(factory, setup.Bounds);
        var checker = new StepChecker(setup.NewAbstractSystem(), machine.Rules);
        var check = CounterexampleBuilder.Check(setup, machine, checker, ops);
        var expect = s.ExpectFor(ruleSet);
        return new RuleSetReplayOutcome(machine.Rules.Name, machine.Rules.KernelVersion, s, check, expect, Compare(check, expect, ops.Count));
    }

    private static List<string> Compare(PathCheck c, ExpectedViolation e, int steps)
    {
        var m = new List<string>();
        m.AddRange(c.Skipped.Select(x => $"the reference did not run {x}"));
        var v = c.Trace.Violation;
        if (e.Kind == ViolationKind.None)
        {
            if (c.Failure is not null) m.Add($"expected no violation, but step {c.FailedAt} violates: {v.Message}");
            return m;
        }
        if (c.Failure is null)
        {
            if (c.Skipped.Count == 0) m.Add($"expected {e.Describe()}, but all {steps} steps ran without a violation");
            return m;
        }
        if (v.Kind != e.Kind || v.Property != e.Property)
            m.Add($"expected {e.Describe()}, but step {c.FailedAt} has {v.Describe()}: {v.Message}");
        else if (e.Step is { } step && step != c.FailedAt)
            m.Add($"expected {e.Describe()}, but it happened at step {c.FailedAt}");
        if (e.Message is { } text && !v.Message.Contains(text, StringComparison.Ordinal))
            m.Add($"expected the message to contain \"{text}\", but it is \"{v.Message}\"");
        return m;
    }
}
