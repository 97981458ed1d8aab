using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// Rebuilds a trace from parent indices and successor ordinals by replaying the path from the
/// initial state: the ordinal-th successor of each state is the next state on the path.
public static class TraceBuilder
{
    public static Trace Build(ITransitionSystem ts, IntList parent, IntList ordinal, int last, Violation violation, StepLabel? failingStep)
    {
        var path = new List<int>();
        for (int i = last; i >= 0; i = parent[i]) path.Add(i);
        path.Reverse();

        var gen = ts.NewGenerator();
        gen.RecordChoices = true;
        var steps = new List<TraceStep>();
        ulong[]? state = null;
        foreach (var index in path)
        {
            var pick = new Pick(ordinal[index]);
            if (state is null) gen.Initial(pick);
            else gen.Successors(state, pick);
            if (pick.State is null) throw new InvalidOperationException("trace replay diverged: the model is not deterministic");
            state = pick.State;
            steps.Add(new TraceStep(steps.Count == 0 ? null : pick.Label, EquatableArray<(string, Value)>.From(ts.Decode(state))));
        }
        string file = ts is SpecTransitionSystem sts ? sts.Ir.File : "";
        string config = ts is SpecTransitionSystem s2 ? s2.Ir.Config : "";
        return new Trace(ts.Name, file, config, EquatableArray<TraceStep>.From(steps), violation, failingStep);
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
