using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Replay;

/// What replaying a sequence of operations did: the trace it produced (ending in the first
/// violation, if any), and where it got stuck if an operation was not enabled.
/// <see cref="FinalState"/> is the packed last state (for assertions on it).
public sealed record ReplayResult(Trace Trace, int StepsRun, int? StuckAt, string? StuckReason, ulong[] FinalState)
{
    public bool Stuck => StuckAt is not null;
}

/// Replays operations against any transition system. Each step must be an enabled transition
/// with exactly the given parameters (and choices, when given); the first matching successor in
/// the generator's order is taken. Invariants are checked on every state, assertions and
/// run-time errors of the matched step count, and the last state is checked for deadlock when
/// asked. Replay stops at the first violation.
public sealed class Replayer(ITransitionSystem ts, bool checkDeadlock)
{
    private readonly IStateGenerator _gen = CreateGenerator(ts);

    private static IStateGenerator CreateGenerator(ITransitionSystem ts)
    {
        var g = ts.NewGenerator();
        g.RecordChoices = true;
        return g;
    }

    /// <param name="decode">false while shrinking: only the outcome matters, not the states.</param>
    public ReplayResult Run(StepRequest? init, IReadOnlyList<StepRequest> steps, bool decode = true)
    {
        var states = new List<TraceStep>();
        var m = new Matcher(init ?? new StepRequest("init", default, null), anyInit: init is null);
        try
        {
            _gen.Initial(m);
        }
        catch (EvalError e) when (!m.Found)
        {
            var v = Violations.Error(e);
            return new ReplayResult(TraceBuilder.Make(ts, states, v, _gen.CurrentLabel()), 0, null, null, []);
        }
        if (m.Assertion is { } a0) return new ReplayResult(TraceBuilder.Make(ts, states, a0, m.Label), 0, null, null, []);
        if (!m.Found)
            return new ReplayResult(TraceBuilder.Make(ts, states, Violation.NoViolation, null), 0, 0,
                init is null ? "the spec has no initial state" : $"no initial state matches 'init: {init.Show()["init".Length..].Trim()}'", []);
        var state = m.State!;
        Add(states, m.Label is { Choices.Count: > 0 } ? m.Label : null, state, decode);
        if (m.Failure is { } f0) return Done(states, Violations.Invariant(f0), null, 0, state);

        for (int i = 0; i < steps.Count; i++)
        {
            var req = steps[i];
            m = new Matcher(req, anyInit: false);
            try
            {
                _gen.Successors(state, m, req.Action);
            }
            catch (EvalError e) when (!m.Found)
            {
                var label = _gen.CurrentLabel();
                if (req.Matches(label))
                    return Done(states, Violations.Error(e), label, i + 1, state);
                return new ReplayResult(Finish(states, Violation.NoViolation, null), i, i + 1,
                    $"while looking for {req.Show()}, {label.Show()} raised a run-time error that stops the enumeration: {e.Message}", state);
            }
            if (m.Assertion is { } a) return Done(states, a, m.Label, i + 1, state);
            if (!m.Found)
            {
                if (checkDeadlock && IsDeadlocked(state))
                    return Done(states, DeadlockViolation, null, i, state);
                return new ReplayResult(Finish(states, Violation.NoViolation, null), i, i + 1, $"{req.Show()} is not enabled in state {i}", state);
            }
            state = m.State!;
            Add(states, m.Label, state, decode);
            if (m.Failure is { } f) return Done(states, Violations.Invariant(f), null, i + 1, state);
        }
        if (checkDeadlock && IsDeadlocked(state)) return Done(states, DeadlockViolation, null, steps.Count, state);
        return Done(states, Violation.NoViolation, null, steps.Count, state);
    }

    private static readonly Violation DeadlockViolation = Violations.Deadlock();

    private ReplayResult Done(List<TraceStep> states, Violation v, StepLabel? failing, int stepsRun, ulong[] state) =>
        new(Finish(states, v, failing), stepsRun, null, null, state);

    private Trace Finish(List<TraceStep> states, Violation v, StepLabel? failing) => TraceBuilder.Make(ts, states, v, failing);

    private void Add(List<TraceStep> states, StepLabel? label, ulong[] state, bool decode) =>
        states.Add(new TraceStep(label, decode ? EquatableArray<(string, Value)>.From(ts.Decode(state)) : default));


    /// No transition at all (an assertion failure or run-time error counts as one: BFS reports
    /// those, not a deadlock).
    private bool IsDeadlocked(ulong[] state)
    {
        var counter = new Counter();
        try
        {
            _gen.Successors(state, counter);
        }
        catch (EvalError)
        {
            return false;
        }
        return counter.Count == 0;
    }

    private sealed class Counter : IStateVisitor
    {
        public int Count { get; private set; }
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) => Count++;
        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) => Count++;
        public void OnBoundReached(IStateGenerator g, string pool) { }
    }

    /// Takes the first state (or assertion failure) whose label matches the request.
    private sealed class Matcher(StepRequest request, bool anyInit) : IStateVisitor
    {
        public bool Found { get; private set; }
        public ulong[]? State { get; private set; }
        public StepLabel? Label { get; private set; }
        public InvariantFailure? Failure { get; private set; }
        public Violation? Assertion { get; private set; }

        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
        {
            if (Found) return;
            var label = g.CurrentLabel();
            if (!anyInit && !request.Matches(label)) return;
            Found = true;
            State = packed.ToArray();
            Label = label;
            Failure = g.CheckInvariants();
        }

        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span)
        {
            if (Found) return;
            var label = g.CurrentLabel();
            if (!anyInit && !request.Matches(label)) return;
            Found = true;
            Label = label;
            Assertion = Violations.Assertion(assertion, span);
        }

        public void OnBoundReached(IStateGenerator g, string pool) { }
    }
}
