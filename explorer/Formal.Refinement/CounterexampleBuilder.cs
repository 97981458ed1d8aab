using System.Text;
using Formal.Explorer.Traces;
using Formal.Reference;
using Machine = Formal.Reference.Machine;
using Violation = Formal.Explorer.Traces.Violation;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Refinement;

/// A checked run of given operations on a rule set: the trace (spec-level state and kernel view
/// of every step) and the first failure, if any, at step <see cref="FailedAt"/>.
public sealed record PathCheck(Trace Trace, StepFailure? Failure, int FailedAt, int StepsRun, IReadOnlyList<string> Skipped);

/// Runs operation sequences on a rule set with the step checks of the refinement checker and
/// turns them into ordinary traces: rebuilding a counterexample from its path, and replaying a
/// scenario against a rule set.
public static class CounterexampleBuilder
{
    public static Trace Build(RefinementSetup setup, Machine machine, StepChecker checker, IReadOnlyList<Operation> path, StepFailure failure) =>
        Check(setup, machine, checker, path).Trace;

    public static PathCheck Check(RefinementSetup setup, Machine machine, StepChecker checker, IReadOnlyList<Operation> path)
    {
        var ts = checker.System;
        var heap = machine.InitialHeap();
        var a = checker.Abstract(heap);
        var steps = new List<TraceStep> { new(null, State(ts, a), KernelView(null, heap)) };
        var skipped = new List<string>();
        var failure = checker.CheckInitial(heap, a);
        if (failure is not null) return new PathCheck(Finish(setup, steps, null, failure), failure, 0, 0, skipped);
        ulong fp = checker.Fingerprint(a);
        for (int i = 0; i < path.Count; i++)
        {
            var r = machine.Apply(heap, path[i], log: true);
            if (!r.Outcome.Applied)
            {
                // Not applicable or beyond the bounds: the reference did nothing; say so and stop.
                skipped.Add($"step {i + 1}: {path[i]}: {r.Outcome}");
                return new PathCheck(Finish(setup, steps, null, null), null, -1, i, skipped);
            }
            var after = checker.Abstract(r.After);
            ulong fpAfter = checker.Fingerprint(after);
            failure = checker.CheckStep(a, fp, r, after, fpAfter);
            var label = OperationLabels.Label(path[i]);
            if (after.Packed is null)
                return new PathCheck(Finish(setup, steps, label, failure), failure, i + 1, i + 1, skipped);
            steps.Add(new TraceStep(label, State(ts, after), KernelView(r, r.After)));
            if (failure is not null) return new PathCheck(Finish(setup, steps, null, failure), failure, i + 1, i + 1, skipped);
            heap = r.After;
            a = after;
            fp = fpAfter;
        }
        return new PathCheck(Finish(setup, steps, null, null), null, -1, path.Count, skipped);
    }

    private static Trace Finish(RefinementSetup setup, List<TraceStep> steps, StepLabel? failingStep, StepFailure? failure)
    {
        var violation = failure is null
            ? Violation.NoViolation
            : new Violation(failure.Kind, failure.Property,
                failure.Reasons.Count == 1 ? failure.Message : failure.Message + " (also: " + string.Join("; ", failure.Reasons.Skip(1)) + ")");
        return new Trace(setup.AbstractIr.Name, setup.SpecPath, setup.AbstractIr.Config, EquatableArray<TraceStep>.From(steps), violation,
            failingStep, setup.AbstractIr.Constants);
    }

    private static EquatableArray<(string, Value)> State(SpecTransitionSystem ts, AbstractState a) =>
        EquatableArray<(string, Value)>.From(a.Packed is null ? a.Vars : ts.Decode(a.Packed));

    /// The kernel-level view of a step: its outcome, the kernel functions it called, and the heap.
    public static string KernelView(StepResult? r, Heap heap)
    {
        var sb = new StringBuilder();
        if (r is not null)
        {
            sb.Append("outcome: ").Append(r.Outcome).Append('\n');
            foreach (var v in r.Outcome.Violations.Skip(1)) sb.Append("  also: ").Append(v).Append('\n');
            if (r.Log.Count > 0)
            {
                sb.Append("kernel functions:\n");
                foreach (var line in r.Log) sb.Append("  ").Append(line).Append('\n');
            }
        }
        sb.Append("heap:\n");
        foreach (var line in HeapDump.Format(heap).Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.Append("  ").Append(line).Append('\n');
        return sb.ToString();
    }
}
