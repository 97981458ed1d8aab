using Formal.Explorer.Traces;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Engines;
using Formal.Spec.Types;
using Formal.Tests;

namespace Formal.Spec.Smt.Tests;

/// k-induction: proofs of the examples, counterexamples to induction (replayed through the
/// evaluator like any trace), the lemmas that remove them, and CTIs that turn out reachable.
public class InductionTests
{
    private static SpecIr WithoutLemmas(SpecIr ir) => ir with { Lemmas = EquatableArray<InvariantIr>.From([]) };

    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 0)]
    [InlineData(8, 0)]
    [InlineData(3, 64)]
    public void Two_phase_commit_is_proved_with_its_lemmas(int n, int split)
    {
        var r = SmtHarness.Prove(SmtHarness.Example("two_phase_commit", null, ("N", n)), induction: 1, split: split);
        Assert.Equal((ProveVerdict.Proved, 1), (r.Verdict, r.ProvedK!.Value));
    }

    /// Split per parameter value, the step is checked for the first object of a symmetric pool
    /// only (any counterexample maps to one naming it), for every value of other parameters.
    [Fact]
    public void Split_checks_name_their_parameters_and_use_the_pool_symmetry()
    {
        var ir = SpecHarness.Load("""
            spec: t
            types: { P: { pool: 3, symmetric: true } }
            variables: { level: "P -> 0..3", done: set(P) }
            init: { level: "[p in P -> 0]", done: "{}" }
            actions:
              Up: { params: { p: P, by: 1..2 }, guard: "level[p] + by <= 3 and p notin done", update: { "level[p]": "level[p] + by" } }
              Pass: { params: { p: P, q: P }, guard: "p != q and level[p] == 3 and level[q] == 3", update: { done: "done union {p, q}" } }
            invariants:
              DoneAtTop: "forall p in P: p in done => level[p] == 3"
            """);
        var checks = new List<CheckTiming>();
        var r = SmtHarness.OnBigStack(() => Prover.Run(ir, new ProveOptions { InductionK = 1, MaxCasesPerAction = 64, OnCheck = checks.Add }));
        Assert.Equal(ProveVerdict.Proved, r.Verdict);
        var cases = checks.Where(c => c.Query == "induction").Select(c => c.Action).ToList();
        Assert.Equal(["Up(p=P0, by=1)", "Up(p=P0, by=2)", "Pass(p=P0, q=P0)", "Pass(p=P0, q=P1)"], cases);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(64)]
    public void Each_lemma_of_two_phase_commit_is_needed(int split)
    {
        var full = SmtHarness.Example("two_phase_commit");
        Assert.Equal(6, full.Lemmas.Count);
        foreach (var lemma in full.Lemmas)
        {
            var ir = full with { Lemmas = EquatableArray<InvariantIr>.From(full.Lemmas.Where(l => l.Name != lemma.Name)) };
            var r = SmtHarness.Prove(ir, induction: 1, split: split);
            Assert.True(r.Verdict == ProveVerdict.NotInductive, $"without {lemma.Name}: {r.Verdict}");
        }
    }

    [Fact]
    public void Counters_are_proved_in_both_configurations()
    {
        Assert.Equal(ProveVerdict.Proved, SmtHarness.Prove(SmtHarness.Example("counters"), induction: 1).Verdict);
        Assert.Equal(ProveVerdict.Proved, SmtHarness.Prove(SmtHarness.Example("counters", "bench"), induction: 1).Verdict);
    }

    [Fact]
    public void Peterson_needs_k_2_and_its_proof_includes_deadlock_freedom()
    {
        var ir = SmtHarness.Example("peterson");
        var one = SmtHarness.Prove(ir, induction: 1);
        Assert.Equal(ProveVerdict.NotInductive, one.Verdict);
        var two = SmtHarness.Prove(ir, induction: 2);
        Assert.Equal((ProveVerdict.Proved, 2), (two.Verdict, two.ProvedK!.Value));
        // The deadlocking mutant (waiting on the flag only) is not provable: BMC finds the deadlock.
        var mutant = SmtHarness.Mutant("peterson", ("\"not flag[1 - i] or turn == i\"", "\"not flag[1 - i]\""));
        var bad = SmtHarness.Prove(mutant, induction: 2);
        Assert.Equal(ProveVerdict.Violation, bad.Verdict);
        Assert.Equal((ViolationKind.Deadlock, 6), (SmtHarness.Replay(mutant, bad.Violation!).Violation.Kind, bad.Violation!.Length));
    }

    [Fact]
    public void A_reachable_counterexample_to_induction_becomes_the_shortest_violation()
    {
        // InRange is not inductive once the wrap-around is gone: from c[i] = M-1 an increment
        // fails. The pre-state is reachable, so the result is the real violation BMC finds.
        var ir = SmtHarness.Mutant("counters", ("\"(c[i] + 1) % M\"", "\"c[i] + 1\""), ("default: { N: 3, M: 4 }", "default: { N: 2, M: 3 }"));
        var r = SmtHarness.Prove(ir, induction: 1);
        Assert.Equal(ProveVerdict.Violation, r.Verdict);
        var t = SmtHarness.Replay(ir, r.Violation!);
        Assert.Equal(ViolationKind.Error, t.Violation.Kind);
        Assert.Equal(SmtHarness.Explore(ir).Trace!.Length, t.Length);
    }

    [Fact]
    public void A_failing_step_from_a_state_satisfying_the_invariants_is_a_counterexample_to_induction()
    {
        var ir = SpecHarness.Load("""
            spec: t
            variables: { x: 0..7, armed: bool }
            init: { x: 0, armed: false }
            actions:
              Inc: { guard: x < 7, update: { x: x + 1 } }
              Fire: { guard: armed, do: ["assert x < 5"] }
            invariants:
              Small: x <= 7
            """);
        var r = SmtHarness.Prove(ir, induction: 1);
        Assert.Equal(ProveVerdict.NotInductive, r.Verdict);
        Assert.Equal(Runtime.ClaimedEnd.BadStep, r.Cti!.Path.End);
        var t = SmtHarness.Replay(ir, r.Cti!.Path);
        Assert.Equal((ViolationKind.Assertion, "Fire"), (t.Violation.Kind, t.FailingStep!.Action));
        Assert.Null(r.Cti.ReachableAt);
    }

    [Fact]
    public void Bmc_alone_proves_when_no_loop_free_path_outlasts_the_bound()
    {
        var ir = SmtHarness.Example("two_phase_commit", "one");
        Assert.Equal(ProveVerdict.Proved, SmtHarness.Prove(ir, bmc: 4).Verdict);
        Assert.Equal(ProveVerdict.BoundReached, SmtHarness.Prove(ir, bmc: 3).Verdict);
    }

    /// I1-I10 and the spec's lemmas, by 1-induction, for anon_vma's tiny configuration (about
    /// a minute and a half).
    [Fact]
    [Trait("Category", "Slow")]
    public void Anon_vma_tiny_is_proved_with_its_lemmas()
    {
        var ir = SpecHarness.LoadFile(Repo.Path("spec", "anon_vma.yaml"), "tiny");
        var r = SmtHarness.Prove(ir, induction: 1);
        Assert.Equal((ProveVerdict.Proved, 1), (r.Verdict, r.ProvedK!.Value));
        Assert.Equal(10, ir.Invariants.Count);
    }
}
