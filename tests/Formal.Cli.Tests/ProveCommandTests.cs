using System.Text.Json;
using Formal.Spec.Smt.Z3;
using Formal.Tests;

namespace Formal.Cli.Tests;

/// `formal prove`: exit codes, output, the JSON summary, trace and SMT-LIB files.
public class ProveCommandTests
{
    private static string Example(string name) => Repo.Example(name);

    /// two_phase_commit without its lemmas (its invariants alone are not inductive).
    private static string TwoPhaseCommitWithoutLemmas()
    {
        var text = File.ReadAllText(Example("two_phase_commit"));
        int cut = text.IndexOf("\n# Auxiliary invariants", StringComparison.Ordinal);
        Assert.True(cut > 0);
        var path = CliHarness.TempFile("2pc.yaml");
        File.WriteAllText(path, text[..cut] + "\n");
        return path;
    }

    [Fact]
    public void A_proof_exits_0_and_the_summary_has_the_contracted_fields()
    {
        var json = CliHarness.TempFile("p.json");
        var r = CliHarness.Run("prove", Example("two_phase_commit"), "--json", json);
        Assert.Equal(0, r.Exit);
        Assert.Contains("  induction step k=1, invariants after TMCommit: preserved", r.Out, StringComparison.Ordinal);
        Assert.Contains("  induction step k=1, next step RMPrepare: cannot fail", r.Out, StringComparison.Ordinal);
        Assert.EndsWith("Result: proved: every invariant and lemma holds in every reachable state (k-induction, k=1).\n", r.Out.Replace("\r\n", "\n"), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        foreach (var key in new[] { "command", "spec", "config", "result", "distinct_states", "generated_states", "depth", "elapsed_s", "violation" })
            Assert.True(root.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal(("prove", "ok", "k-induction", 1), (root.GetProperty("command").GetString(), root.GetProperty("result").GetString(),
            root.GetProperty("method").GetString(), root.GetProperty("proved_k").GetInt32()));
        var checks = root.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("query").GetString()!, c.GetProperty("depth").GetInt32(), c.GetProperty("result").GetString()!)).ToList();
        // BMC depths 0 and 1, then the induction step per action (7): invariants, next step.
        Assert.Equal([("bmc", 0, "unsat"), ("bmc", 1, "unsat")], checks.Take(2));
        Assert.Equal(Enumerable.Repeat(("induction", 1, "unsat"), 7).Concat(Enumerable.Repeat(("induction-step", 1, "unsat"), 7)), checks.Skip(2));
        File.Delete(json);
    }

    [Fact]
    public void A_violation_exits_1_with_the_same_trace_as_check()
    {
        var json = CliHarness.TempFile("v.json");
        var trace = CliHarness.TempFile("v.trace.json");
        var r = CliHarness.Run("prove", Example("water_jug"), "--bmc", "8", "--json", json, "--trace", trace);
        Assert.Equal(1, r.Exit);
        var check = CliHarness.Run("check", Example("water_jug"));
        string Section(string o) => o.Replace("\r\n", "\n")[o.IndexOf("Error:", StringComparison.Ordinal)..o.IndexOf("\n\n", o.IndexOf("Error:", StringComparison.Ordinal), StringComparison.Ordinal)];
        // Both are shortest traces; water_jug has exactly one 6-step solution.
        Assert.Equal(Section(check.Out), Section(r.Out));
        Assert.Contains("Result: violation of NotFourGallons (invariant).", r.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("violation", doc.RootElement.GetProperty("result").GetString());
        Assert.Equal(6, doc.RootElement.GetProperty("violation").GetProperty("length").GetInt32());
        using var t = JsonDocument.Parse(File.ReadAllText(trace));
        Assert.Equal("formal-trace/1", t.RootElement.GetProperty("format").GetString());
        File.Delete(json);
        File.Delete(trace);
    }

    [Fact]
    public void Bmc_alone_without_a_violation_is_inconclusive()
    {
        var r = CliHarness.Run("prove", Example("counters"), "--bmc", "3");
        Assert.Equal(3, r.Exit);
        Assert.Contains("Result: inconclusive: no violation up to depth 3 (bounded model checking is not a proof", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_counterexample_to_induction_exits_3_with_its_states_and_the_reachability_search()
    {
        var spec = TwoPhaseCommitWithoutLemmas();
        var json = CliHarness.TempFile("cti.json");
        var r = CliHarness.Run("prove", spec, "--induction", "1", "--bmc", "6", "--json", json);
        Assert.Equal(3, r.Exit);
        var o = r.Out.Replace("\r\n", "\n");
        Assert.Contains("Counterexample to induction (k=1)", o, StringComparison.Ordinal);
        Assert.Contains("State 0 (assumed; not necessarily reachable):\n", o, StringComparison.Ordinal);
        Assert.Contains("Its first state is not reachable within 6 steps", o, StringComparison.Ordinal);
        Assert.Contains("Result: inconclusive: the induction step fails for k=1", o, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var cti = doc.RootElement.GetProperty("counterexample_to_induction");
        Assert.Equal((1, 6), (cti.GetProperty("k").GetInt32(), cti.GetProperty("searched_depth").GetInt32()));
        Assert.Equal(JsonValueKind.Null, cti.GetProperty("reachable_at").ValueKind);
        Assert.Equal("invariant", cti.GetProperty("violation").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("violation").ValueKind);
        File.Delete(json);
        File.Delete(spec);
    }

    [Fact]
    public void The_smt_dump_is_byte_identical_across_runs_and_processes_and_runs_as_smtlib()
    {
        string Dump(bool process)
        {
            var file = CliHarness.TempFile("q.smt2");
            var args = new[] { "prove", "spec/examples/two_phase_commit.yaml", "--dump-smt", file, "--quiet" };
            var r = process ? CliHarness.Process(args) : CliHarness.Run(args.Select(a => a.StartsWith("spec/", StringComparison.Ordinal) ? Repo.Path(a.Split('/')) : a).ToArray());
            Assert.Equal(0, r.Exit);
            var text = File.ReadAllText(file);
            File.Delete(file);
            return text;
        }
        var first = Dump(false);
        Assert.Equal(first, Dump(false));
        Assert.Equal(first, Dump(true));
        // The deciding query of a proof is the induction step: unsatisfiable.
        using var z = new Z3Context();
        Assert.Equal("unsat", z.EvalSmtLib(first).Trim());
    }

    [Fact]
    public void A_missing_z3_library_names_the_package_and_exits_3()
    {
        var r = CliHarness.ProcessWith([("FORMAL_Z3_LIBRARY", "/nonexistent/libz3.so.4")], "prove", "spec/examples/counters.yaml");
        Assert.Equal(3, r.Exit);
        Assert.Contains("apt-get install libz3-4", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
        Assert.Contains("Result: inconclusive: the solver is not available.", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeout_is_inconclusive_with_the_reason()
    {
        var json = CliHarness.TempFile("t.json");
        var r = CliHarness.Run("prove", Repo.Path("spec", "anon_vma.yaml"), "--config", "tiny", "--bmc", "8", "--timeout", "1", "--json", json, "--quiet");
        Assert.Equal(3, r.Exit);
        Assert.Contains("Result: inconclusive: the solver answered unknown (BMC at depth", r.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("inconclusive", doc.RootElement.GetProperty("result").GetString());
        Assert.Contains("BMC at depth", doc.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        File.Delete(json);
    }

    [Fact]
    public void A_domain_too_wide_to_expand_is_reported_at_its_position_with_exit_2()
    {
        var spec = CliHarness.TempFile("wide.yaml");
        File.WriteAllText(spec, "spec: wide\nvariables: { x: 0..10000 }\ninit: { x: 0 }\ninvariants:\n  All: \"forall i in 0..x: i >= 0\"\n");
        var r = CliHarness.Run("prove", spec);
        Assert.Equal(2, r.Exit);
        Assert.Matches(@"wide\.yaml:5:\d+: error: the SMT back end expands this domain value by value, but the range 0\.\.x may span more than 4096 values", r.Err);
        Assert.Contains("Result: error:", r.Out, StringComparison.Ordinal);
        File.Delete(spec);
    }

    [Theory]
    [InlineData(new[] { "prove" }, "prove needs exactly one SPEC file")]
    [InlineData(new[] { "prove", "x.yaml", "--bmc", "deep" }, "--bmc expects an integer")]
    [InlineData(new[] { "prove", "x.yaml", "--induction", "0" }, "--induction expects an integer in 1..")]
    [InlineData(new[] { "prove", "x.yaml", "--dumpsmt", "f" }, "unknown option '--dumpsmt' (did you mean '--dump-smt'?)")]
    [InlineData(new[] { "prov", "x.yaml" }, "unknown command 'prov' (did you mean 'prove'?)")]
    public void Bad_command_lines_exit_2(string[] args, string message)
    {
        var r = CliHarness.Run(args);
        Assert.Equal(2, r.Exit);
        Assert.Contains(message, r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_spec_is_bad_input_with_positions()
    {
        var r = CliHarness.Run("prove", Repo.Path("tests", "Formal.Spec.Tests", "Golden", "errors", "names_and_types.yaml"));
        Assert.Equal(2, r.Exit);
        Assert.Matches(@"names_and_types\.yaml:\d+:\d+: error: ", r.Err);
    }
}
