using Formal.Reference;

namespace Formal.Reference.Tests;

/// <summary>One executed step of a scenario: the operation, its outcome, the invariants violated after it.</summary>
public sealed record ScenarioStep(int Number, Operation Operation, Outcome Outcome, IReadOnlyList<InvariantViolation> Invariants, Heap After, IReadOnlyList<string> Log);

/// <summary>Runs a syscall-level scenario on one rule set, checking invariants I1-I10 after every step.</summary>
public static class ScenarioRunner
{
    public static IReadOnlyList<ScenarioStep> Run(string ruleSet, params string[] ops) => Run(ruleSet, Bounds.Scenario, ops);

    public static IReadOnlyList<ScenarioStep> Run(string ruleSet, Bounds bounds, params string[] ops)
    {
        var machine = Machine.Create(ruleSet, bounds);
        var heap = machine.InitialHeap();
        var steps = new List<ScenarioStep>();
        int i = 1;
        foreach (var text in ops)
        {
            var op = OperationParser.Parse(text);
            var r = machine.Apply(heap, op, log: true);
            steps.Add(new ScenarioStep(i++, op, r.Outcome, InvariantChecker.Check(r.After, machine.Rules), r.After, r.Log));
            heap = r.After;
        }
        return steps;
    }

    /// <summary>The first step (1-based) whose outcome reports a violation, or 0.</summary>
    public static int FirstViolationStep(IReadOnlyList<ScenarioStep> steps) =>
        steps.FirstOrDefault(s => s.Outcome.Kind == OutcomeKind.Violation)?.Number ?? 0;

    /// <summary>The first step (1-based) after which some invariant is violated, or 0.</summary>
    public static int FirstInvariantStep(IReadOnlyList<ScenarioStep> steps) =>
        steps.FirstOrDefault(s => s.Invariants.Count > 0)?.Number ?? 0;

    /// <summary>A failure message with the whole trace: outcome, invariants, heap dump and kernel log per step.</summary>
    public static string Describe(IReadOnlyList<ScenarioStep> steps)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var s in steps)
        {
            sb.AppendLine($"step {s.Number}: {s.Operation} -> {s.Outcome}");
            foreach (var v in s.Invariants)
                sb.AppendLine("   invariant " + v);
        }
        if (steps.Count > 0)
        {
            sb.AppendLine("final heap:");
            sb.AppendLine(HeapDump.Format(steps[^1].After));
        }
        return sb.ToString();
    }

    /// <summary>Asserts that no step violated anything and every step applied.</summary>
    public static void AssertClean(IReadOnlyList<ScenarioStep> steps)
    {
        foreach (var s in steps)
        {
            Assert.True(s.Outcome.Kind is OutcomeKind.Ok or OutcomeKind.Error, $"step {s.Number} {s.Operation}: {s.Outcome}\n{Describe(steps)}");
            Assert.True(s.Invariants.Count == 0, $"step {s.Number} {s.Operation}: {string.Join("; ", s.Invariants)}\n{Describe(steps)}");
        }
    }
}
