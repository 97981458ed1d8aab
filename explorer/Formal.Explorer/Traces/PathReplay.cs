using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// Turns a path claimed by another engine (the SMT back end decodes one from a model) into a
/// checked <see cref="Trace"/>: every step is replayed through the transition system, taking
/// the successor with the claimed action, parameters and state, and the violation at the end is
/// the one the evaluator finds there. Any disagreement is reported as a divergence: a bug in
/// the claiming engine, never papered over.
public static class PathReplay
{
    public sealed record Outcome(Trace? Trace, string? Divergence);

    public static Outcome Replay(ITransitionSystem ts, ClaimedPath path)
    {
        var gen = ts.NewGenerator();
        gen.RecordChoices = true;
        var steps = new List<TraceStep>();
        ulong[]? prev = null;
        Outcome Done(Violation v, StepLabel? failing = null) => new(new Trace(ts.Name, File(ts), Config(ts), EquatableArray<TraceStep>.From(steps), v, failing), null);
        Outcome Diverged(string why) => new(null, why);

        if (path.Steps.Count == 0)
        {
            if (!path.FromInitial || path.End != ClaimedEnd.BadStep) return Diverged("an empty path must be a failing init");
            var catcher = new FaultCatcher(null);
            Run(gen, () => gen.Initial(catcher), catcher);
            return catcher.Violation is { } v ? Done(v, catcher.Label) : Diverged("the claimed failure of init does not happen");
        }

        for (int i = 0; i < path.Steps.Count; i++)
        {
            var claimed = path.Steps[i];
            bool last = i == path.Steps.Count - 1;
            if (claimed.State is null)
            {
                if (!last || prev is null) return Diverged($"step {i} has no state but is not the failing last step");
                var catcher = new FaultCatcher(claimed.Label);
                var p = prev;
                Run(gen, () => gen.Successors(p, catcher), catcher);
                if (catcher.Violation is { } v) return Done(v, catcher.Label);
                return Diverged($"step {i} ({claimed.Label?.Show()}) is claimed to fail, but the evaluator runs it without a failure");
            }
            if (i == 0 && !path.FromInitial)
            {
                steps.Add(new TraceStep(null, EquatableArray<(string, Value)>.From(ts.Decode(claimed.State))));
                prev = claimed.State;
                continue;
            }
            var matcher = new Matcher(i == 0 ? null : claimed.Label, claimed.State, last && path.End == ClaimedEnd.BadState);
            try
            {
                if (i == 0) gen.Initial(matcher);
                else gen.Successors(prev!, matcher);
            }
            catch (EvalError e) when (!matcher.Found && (last || (!path.FromInitial && i > 0)))
            {
                // Another step from the same state fails before the enumeration reaches the
                // claimed one. On the last step that is a violation of the same length (the
                // explorer would report it too); from an arbitrary state (a counterexample to
                // induction) only the claimed steps were assumed to run cleanly. Either way it
                // is a real failure from a state on the path: report it.
                return Done(Violations.Error(e), i == 0 ? new StepLabel("init", default, default) : gen.CurrentLabel());
            }
            catch (EvalError e) when (!matcher.Found)
            {
                return Diverged($"step {i}: the evaluator stops with a run-time error ({e.Message} at {e.Span}) before reaching the claimed {(i == 0 ? "initial state" : "step " + claimed.Label?.Show())}");
            }
            catch (EvalError) { }
            if (!matcher.Found)
                return Diverged(i == 0
                    ? "the claimed first state is not an initial state"
                    : $"step {i}: no successor labelled {claimed.Label?.Show()} reaches the claimed state");
            if (matcher.Error is { } err)
                return Done(Violations.Error(err), matcher.Label ?? new StepLabel("init", default, default));
            steps.Add(new TraceStep(i == 0 ? null : matcher.Label, EquatableArray<(string, Value)>.From(ts.Decode(claimed.State))));
            if (matcher.Failure is { } f) return Done(Violations.Invariant(f));
            prev = claimed.State;
        }

        if (path.End == ClaimedEnd.BadState && prev is not null && IsDeadlock(gen, prev)) return Done(Violations.Deadlock());
        return Diverged(path.End == ClaimedEnd.BadState
            ? "the last claimed state satisfies every invariant and has a successor"
            : "the path ends without the claimed failing step");
    }

    private static string File(ITransitionSystem ts) => ts is SpecTransitionSystem s ? s.Ir.File : "";
    private static string Config(ITransitionSystem ts) => ts is SpecTransitionSystem s ? s.Ir.Config : "";

    private static bool SameStep(StepLabel? a, StepLabel? b) =>
        a is null || b is null ? a is null && b is null : a.Action == b.Action && a.Params == b.Params;

    private static void Run(IStateGenerator gen, Action run, FaultCatcher catcher)
    {
        try { run(); }
        catch (EvalError e) { catcher.OnError(e, gen.CurrentLabel()); }
    }

    private static bool IsDeadlock(IStateGenerator gen, ulong[] state)
    {
        var counter = new FaultCatcher(null);
        Run(gen, () => gen.Successors(state, counter), counter);
        return counter.States == 0 && counter.Violation is null;
    }

    /// Takes the successor with the claimed label and state; checks the invariants on it (in the
    /// callback, where the generator still holds it) when it is the path's bad end.
    private sealed class Matcher(StepLabel? label, ulong[] state, bool checkInvariants) : IStateVisitor
    {
        public bool Found { get; private set; }
        public StepLabel? Label { get; private set; }
        public InvariantFailure? Failure { get; private set; }
        public EvalError? Error { get; private set; }

        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
        {
            if (Found || !packed.SequenceEqual(state)) return;
            var current = g.CurrentLabel();
            if (label is not null && !SameStep(label, current)) return;
            Found = true;
            Label = label is null ? null : current;
            if (!checkInvariants) return;
            try { Failure = g.CheckInvariants(); }
            catch (EvalError e) { Error = e; Label = current; }
        }

        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) { }
        public void OnBoundReached(IStateGenerator g, string pool) { }
    }

    /// Finds the failure of the claimed step: an assertion on its path, or a run-time error
    /// (which stops the enumeration, wherever it happens: the explorer would report it too).
    private sealed class FaultCatcher(StepLabel? label) : IStateVisitor
    {
        public int States { get; private set; }
        public Violation? Violation { get; private set; }
        public StepLabel? Label { get; private set; }

        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) => States++;

        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span)
        {
            if (Violation is not null) return;
            var current = g.CurrentLabel();
            if (label is not null && !SameStep(label, current)) return;
            Violation = Violations.Assertion(assertion, span);
            Label = current;
        }

        public void OnError(EvalError e, StepLabel current)
        {
            if (Violation is not null) return;
            Violation = Violations.Error(e);
            Label = current;
        }

        public void OnBoundReached(IStateGenerator g, string pool) { }
    }
}
