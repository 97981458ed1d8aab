using Formal.Explorer.Bfs;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// Rebuilds a trace by replaying a path from an initial state: the ordinal-th successor of each
/// state is the next state on the path.
public static class TraceBuilder
{
    /// From BFS parent indices and successor ordinals, ending at state <paramref name="last"/>.
    public static Trace Build(ITransitionSystem ts, IntList parent, IntList ordinal, int last, Violation violation, StepLabel? failingStep)
    {
        var path = new List<int>();
        for (int i = last; i >= 0; i = parent[i]) path.Add(ordinal[i]);
        path.Reverse();
        return FromOrdinals(ts, path, violation, failingStep);
    }

    /// From the ordinal of the initial state followed by the successor ordinal of each step.
    public static Trace FromOrdinals(ITransitionSystem ts, IReadOnlyList<int> ordinals, Violation violation, StepLabel? failingStep)
    {
        var gen = ts.NewGenerator();
        gen.RecordChoices = true;
        var steps = new List<TraceStep>();
        ulong[]? state = null;
        foreach (var n in ordinals)
        {
            var pick = new Pick(n);
            if (state is null) gen.Initial(pick);
            else gen.Successors(state, pick);
            if (pick.State is null) throw new InvalidOperationException("trace replay diverged: the model is not deterministic");
            state = pick.State;
            var label = steps.Count == 0 && pick.Label is { Choices.Count: 0 } ? null : pick.Label;
            steps.Add(new TraceStep(label, EquatableArray<(string, Value)>.From(ts.Decode(state))));
        }
        return Make(ts, steps, violation, failingStep);
    }

    /// A trace of the given steps, with the spec's name, file, configuration and constants.
    public static Trace Make(ITransitionSystem ts, IEnumerable<TraceStep> steps, Violation violation, StepLabel? failingStep)
    {
        var ir = (ts as SpecTransitionSystem)?.Ir;
        return new Trace(ts.Name, ir?.File ?? "", ir?.Config ?? "", EquatableArray<TraceStep>.From(steps), violation, failingStep,
            ir?.Constants ?? default);
    }

    /// Captures the n-th state a generator produces, with its label.
    private sealed class Pick(int n) : IStateVisitor
    {
        private int _seen;

        public ulong[]? State { get; private set; }
        public StepLabel? Label { get; private set; }

        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
        {
            if (_seen++ != n) return;
            State = packed.ToArray();
            Label = g.CurrentLabel();
        }

        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) { }
        public void OnBoundReached(IStateGenerator g, string pool) { }
    }
}
