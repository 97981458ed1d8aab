using Formal.Reference;

namespace Formal.Reference.Tests;

/// <summary>A finding of a random run: the applied operations up to and including the failing one.</summary>
public sealed record RandomFinding(int Run, IReadOnlyList<Operation> Trace, Outcome Outcome, IReadOnlyList<InvariantViolation> Invariants)
{
    public override string ToString() =>
        $"run {Run}, {Trace.Count} steps: {string.Join(" ; ", Trace)}\n  last outcome: {Outcome}\n  invariants: {string.Join(" | ", Invariants)}";
}

/// <summary>
/// Random operation sequences with a fixed seed (System.Random): each step picks an operation kind uniformly among
/// the applicable kinds, then one applicable operation of that kind uniformly, applies it and checks every
/// invariant. Invariants listed in <c>tolerated</c> are known historic violations of the rule set (each one has a
/// dedicated reproduction test); they are skipped, nothing else is.
/// </summary>
public static class RandomRuns
{
    public static RandomFinding? FirstFinding(string ruleSet, int seed, int runs, int steps, Bounds bounds, IReadOnlySet<string>? tolerated = null)
    {
        var machine = Machine.Create(ruleSet, bounds);
        var rng = new Random(seed);
        for (int run = 0; run < runs; run++)
        {
            var heap = machine.InitialHeap();
            var trace = new List<Operation>();
            for (int step = 0; step < steps; step++)
            {
                var ops = machine.EnumerateOperations(heap).Where(o => o is not ReadOp).ToList();
                if (ops.Count == 0)
                    break;
                var kinds = ops.Select(o => o.Name).Distinct().ToList();
                var kind = kinds[rng.Next(kinds.Count)];
                var ofKind = ops.Where(o => o.Name == kind).ToList();
                var op = ofKind[rng.Next(ofKind.Count)];
                var r = machine.Apply(heap, op);
                if (!r.Outcome.Applied)
                    continue;
                trace.Add(op);
                heap = r.After;
                var inv = InvariantChecker.Check(heap, machine.Rules).Where(v => tolerated is null || !tolerated.Contains(v.Invariant)).ToList();
                if (r.Outcome.Kind == OutcomeKind.Violation || inv.Count > 0)
                    return new RandomFinding(run, trace, r.Outcome, inv);
            }
        }
        return null;
    }
}
