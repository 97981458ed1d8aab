using Formal.Explorer.Replay;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Scenarios;

/// A final-state assertion and what it evaluated to (null when it could not be evaluated).
public sealed record FinalCheck(string Text, bool? Holds, string? Problem);

/// The result of replaying a scenario: what happened and every way it differs from what the
/// scenario says (none: it behaves as it says).
public sealed record ScenarioOutcome(Scenario Scenario, SpecIr Ir, ReplayResult Replay, IReadOnlyList<FinalCheck> Final, IReadOnlyList<string> Mismatches)
{
    public bool Behaves => Mismatches.Count == 0;
}

/// Loads a scenario, its spec (with the final assertions compiled as queries), checks the steps
/// against the spec, replays them and compares with the expectation.
public static class ScenarioRunner
{
    public static ScenarioOutcome? Run(string path, DiagnosticBag diags)
    {
        var s = ScenarioReader.Read(path, diags);
        return s is null ? null : Run(s, diags);
    }

    public static ScenarioOutcome? Run(Scenario s, DiagnosticBag diags)
    {
        // The steps are bound to the spec before the final assertions are compiled, so that
        // mistakes in both are reported together.
        var plain = LoadSpec(s with { Final = default }, diags);
        if (plain is null) return null;
        var bound = ScenarioBinder.Bind(s, plain, diags);
        var ir = s.Final.Count == 0 ? plain : LoadSpec(s, diags);
        if (bound is null || ir is null) return null;
        var ts = new SpecTransitionSystem(ir, evaluator: Evaluator.Closures);
        bool deadlock = ts.CheckDeadlock || s.Expect.Kind == ViolationKind.Deadlock;
        var replay = new Replayer(ts, deadlock).Run(bound.Value.Init, bound.Value.Steps);
        return Compare(s, ir, ts, replay);
    }

    public static SpecIr? LoadSpec(Scenario s, DiagnosticBag diags)
    {
        var specPath = s.ResolveSpecPath();
        if (!File.Exists(specPath))
        {
            diags.Error(s.SpecSpan, $"spec file not found: {s.SpecPath} (looked for {specPath}; the path is relative to the scenario file)");
            return null;
        }
        return SpecQuery.Load(specPath, s.Config, s.Constants, s.Final, diags);
    }

    private static ScenarioOutcome Compare(Scenario s, SpecIr ir, SpecTransitionSystem ts, ReplayResult r)
    {
        var mismatches = new List<string>();
        var t = r.Trace;
        var e = s.Expect;
        if (r.Stuck) mismatches.Add($"step {r.StuckAt}: {r.StuckReason}");
        else if (e.Kind == ViolationKind.None)
        {
            if (t.IsViolation) mismatches.Add($"expected no violation, but step {t.Length} violates: {t.Violation.Message}");
        }
        else if (!t.IsViolation) mismatches.Add($"expected {e.Describe()}, but all {s.Steps.Count} steps ran without a violation");
        else
        {
            var v = t.Violation;
            if (v.Kind != e.Kind || v.Property != e.Property)
                mismatches.Add($"expected {e.Describe()}, but step {t.Length} has {v.Describe()}: {v.Message}");
            else if (e.Step is { } step && step != t.Length)
                mismatches.Add($"expected {e.Describe()}, but it happened at step {t.Length}");
            if (e.Message is { } m && !v.Message.Contains(m, StringComparison.Ordinal))
                mismatches.Add($"expected the message to contain \"{m}\", but it is \"{v.Message}\"");
        }
        if (!r.Stuck && t.IsViolation && e.Kind != ViolationKind.None && r.StepsRun < s.Steps.Count)
            mismatches.Add($"the violation at step {t.Length} ends the replay, but the scenario has {s.Steps.Count} steps");

        var final = new List<FinalCheck>();
        if (s.Final.Count > 0)
        {
            if (r.Stuck || r.FinalState.Length == 0)
                mismatches.Add("the final assertions were not evaluated: the replay did not reach a final state");
            else
            {
                var q = ts.NewQueryEvaluator();
                for (int i = 0; i < s.Final.Count; i++)
                {
                    FinalCheck check;
                    try
                    {
                        check = new FinalCheck(s.Final[i].Text, q.Holds(i, r.FinalState), null);
                    }
                    catch (EvalError err)
                    {
                        check = new FinalCheck(s.Final[i].Text, null, err.Message);
                    }
                    final.Add(check);
                    if (check.Holds != true)
                        mismatches.Add($"final assertion \"{check.Text}\" {(check.Problem is null ? "does not hold" : $"cannot be evaluated: {check.Problem}")} in state {t.Steps.Count - 1}");
                }
            }
        }
        return new ScenarioOutcome(s, ir, r, final, mismatches);
    }
}
