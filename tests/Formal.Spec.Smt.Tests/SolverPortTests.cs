using Formal.Spec.Smt.Engines;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Tests;

/// The engines behind the solver port: an unknown answer (timeout, incompleteness) is reported
/// as inconclusive with the solver's reason, never as a proof or a violation.
public class SolverPortTests
{
    /// Answers unknown from the n-th check on (a test double over the real solver).
    private sealed class UnknownAfter(ISolver inner, int n, Counter counter) : ISolver
    {
        public Z3Context Context => inner.Context;
        public void Assert(Term t) => inner.Assert(t);
        public SolveResult Check(IReadOnlyList<Term> assumptions, TimeSpan? timeout, CancellationToken cancel = default) =>
            counter.Next() >= n ? SolveResult.Unknown("test double") : inner.Check(assumptions, timeout, cancel);
        public IModel Model() => inner.Model();
        public string ToSmtLib(IReadOnlyList<Term> assumptions) => inner.ToSmtLib(assumptions);
        public void Dispose() => inner.Dispose();
    }

    private sealed class Counter
    {
        private int _n;
        public int Next() => _n++;
    }

    private static ProveResult Prove(string example, int? bmc, int? induction, int unknownFrom)
    {
        var counter = new Counter();
        return SmtHarness.OnBigStack(() => Prover.Run(SmtHarness.Example(example), new ProveOptions
        {
            BmcDepth = bmc,
            InductionK = induction,
            WrapSolver = s => new UnknownAfter(s, unknownFrom, counter),
        }));
    }

    [Fact]
    public void Unknown_in_bmc_is_inconclusive_with_the_depth_and_reason()
    {
        var r = Prove("water_jug", 8, null, 3);
        Assert.Equal(ProveVerdict.Unknown, r.Verdict);
        Assert.Equal("BMC at depth 3: test double", r.Reason);
        Assert.Null(r.Violation);
    }

    [Fact]
    public void Unknown_in_the_induction_step_is_not_a_proof()
    {
        // Checks: BMC depths 0 and 1, then the induction step.
        var r = Prove("two_phase_commit", null, 1, 2);
        Assert.Equal(ProveVerdict.Unknown, r.Verdict);
        Assert.Equal("induction step with k=1: test double", r.Reason);
        Assert.Null(r.ProvedK);
    }

    [Fact]
    public void Solver_time_limits_reach_the_engines()
    {
        var ir = SmtHarness.Example("water_jug");
        var r = SmtHarness.OnBigStack(() => Prover.Run(ir, new ProveOptions { BmcDepth = 8, Timeout = TimeSpan.FromTicks(1) }));
        Assert.Equal(ProveVerdict.Unknown, r.Verdict);
        Assert.Contains("timeout", r.Reason, StringComparison.Ordinal);
    }
}
