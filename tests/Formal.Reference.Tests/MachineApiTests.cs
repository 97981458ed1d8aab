using Formal.Reference;
using Formal.Reference.RuleSets;

namespace Formal.Reference.Tests;

/// <summary>The API later layers rely on: canonical keys, cloning, enumeration, parsing, the registry.</summary>
public class MachineApiTests
{
    private static Heap After(string ruleSet, params string[] ops) => Machine.Create(ruleSet, Bounds.Scenario).Run(ops)[^1].After;

    [Fact]
    public void Canonical_key_ignores_allocation_order()
    {
        var a = After("V2-pre6.16", "mmap(p0, 0, 1, rw)", "mmap(p0, 2, 3, rw)", "write(p0, 0)", "write(p0, 2)", "fork(p0)");
        var b = After("V2-pre6.16", "mmap(p0, 2, 3, rw)", "mmap(p0, 0, 1, rw)", "write(p0, 2)", "write(p0, 0)", "fork(p0)");
        Assert.NotEqual(a.Process(0)!.FindVma(0)!.AnonVma!.Id, b.Process(0)!.FindVma(0)!.AnonVma!.Id);
        Assert.Equal(CanonicalKey.Of(a), CanonicalKey.Of(b));
        Assert.Equal(HeapDump.Format(a), HeapDump.Format(b));
    }

    [Fact]
    public void Canonical_key_distinguishes_states_that_differ()
    {
        var baseOps = new[] { "mmap(p0, 0, 2, rw)", "write(p0, 0)" };
        var keys = new[]
        {
            After("V2-pre6.16", baseOps),
            After("V2-pre6.16", [.. baseOps, "mprotect(p0, 0, 2, rwx)"]),
            After("V2-pre6.16", [.. baseOps, "write(p0, 1)"]),
            After("V2-pre6.16", [.. baseOps, "inject(avc)"]),
            After("V2-pre6.16", [.. baseOps, "fork(p0)"]),
            After("V2-pre6.16", [.. baseOps, "fork(p0)", "write(p0, 0)"]),
            After("V2-pre6.16", [.. baseOps, "mremap(p0, 0, 2, 2, false)"]),
        }.Select(CanonicalKey.Of).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Clone_is_deep_and_apply_does_not_modify_its_input()
    {
        var machine = Machine.Create("V3-final", Bounds.Scenario);
        var heap = machine.Run("mmap(p0, 0, 2, rw)", "write(p0, 0)", "fork(p0)")[^1].After;
        var key = CanonicalKey.Of(heap);
        var clone = heap.Clone();
        Assert.Equal(key, CanonicalKey.Of(clone));
        Assert.NotSame(heap.Process(0)!.Vmas[0], clone.Process(0)!.Vmas[0]);
        Assert.NotSame(heap.AllAnonVmas[0], clone.AllAnonVmas[0]);
        var r = machine.Apply(heap, OperationParser.Parse("exit(p0)"));
        Assert.Equal(OutcomeKind.Ok, r.Outcome.Kind);
        Assert.Equal(key, CanonicalKey.Of(heap));
        Assert.NotEqual(key, CanonicalKey.Of(r.After));
    }

    [Fact]
    public void Canonical_key_is_the_same_in_two_runs()
    {
        var a = CanonicalKey.Of(After("V1", "mmap(p0, 0, 3, rw)", "write(p0, 1)", "fork(p0)", "mprotect(p1, 0, 1, r)"));
        var b = CanonicalKey.Of(After("V1", "mmap(p0, 0, 3, rw)", "write(p0, 1)", "fork(p0)", "mprotect(p1, 0, 1, r)"));
        Assert.Equal(a, b);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(a), CanonicalKey.Bytes(After("V1", "mmap(p0, 0, 3, rw)", "write(p0, 1)", "fork(p0)", "mprotect(p1, 0, 1, r)")));
    }

    [Fact]
    public void Enumeration_is_deterministic_and_only_lists_applicable_operations()
    {
        var machine = Machine.Create("V2-pre6.16", new Bounds(MaxProcesses: 2, AddressSpacePages: 3));
        var heap = machine.Run("mmap(p0, 0, 2, rw)", "write(p0, 0)")[^1].After;
        var ops = machine.EnumerateOperations(heap).ToList();
        Assert.Equal(ops, machine.EnumerateOperations(heap).ToList());
        Assert.Contains(new InjectOp(AllocKind.Avc), ops);
        Assert.Contains(new InjectOp(AllocKind.AnonVma), ops);
        Assert.Contains(new InjectOp(AllocKind.Vma), ops);
        Assert.Contains(new MmapOp(0, 2, 3, Prot.R), ops);
        Assert.DoesNotContain(new MmapOp(0, 1, 3, Prot.R), ops);   // not a hole
        Assert.Contains(new RmapWalkOp(0, 0), ops);
        Assert.DoesNotContain(new RmapWalkOp(0, 1), ops);          // nothing mapped there
        Assert.Contains(new ForkOp(0), ops);
        foreach (var op in ops)
            Assert.NotEqual(OutcomeKind.NotApplicable, machine.Apply(heap, op).Outcome.Kind);
        Assert.Equal(OutcomeKind.NotApplicable, machine.Apply(heap, new WriteOp(1, 0)).Outcome.Kind);

        var full = machine.Apply(heap, new ForkOp(0)).After;
        Assert.DoesNotContain(new ForkOp(0), machine.EnumerateOperations(full));
        Assert.Equal(OutcomeKind.BoundReached, machine.Apply(full, new ForkOp(0)).Outcome.Kind);
    }

    [Fact]
    public void Era_features_are_not_applicable_where_they_did_not_exist()
    {
        var v0 = Machine.Create("V0", Bounds.Scenario);
        var heap = v0.Run("mmap(p0, 0, 2, rw)")[^1].After;
        Assert.Equal(OutcomeKind.NotApplicable, v0.Apply(heap, OperationParser.Parse("madvise(p0, 0, 1, wipeonfork)")).Outcome.Kind);
        Assert.Equal(OutcomeKind.NotApplicable, v0.Apply(heap, OperationParser.Parse("mremap(p0, 0, 2, 4, true)")).Outcome.Kind);
        Assert.DoesNotContain(v0.EnumerateOperations(heap), o => o is MremapOp { DontUnmap: true });
        var v1p = Machine.Create("V1p", Bounds.Scenario);
        Assert.Equal(OutcomeKind.NotApplicable, v1p.Apply(heap, OperationParser.Parse("mremap(p0, 0, 2, 4, true)")).Outcome.Kind);
        Assert.Equal(OutcomeKind.Ok, Machine.Create("V1", Bounds.Scenario).Apply(heap, OperationParser.Parse("mremap(p0, 0, 2, 4, true)")).Outcome.Kind);
    }

    [Fact]
    public void Bounds_discard_the_operation_instead_of_reporting_enomem()
    {
        var machine = Machine.Create("V2-pre6.16", new Bounds(MaxProcesses: 3, AddressSpacePages: 4, MaxVmas: 2, MaxAnonVmas: 8, MaxPages: 8));
        var heap = machine.Run("mmap(p0, 0, 3, rw)")[^1].After;
        var r = machine.Apply(heap, OperationParser.Parse("mprotect(p0, 1, 2, r)"));
        Assert.Equal(OutcomeKind.BoundReached, r.Outcome.Kind);
        Assert.Same(heap, r.After);
    }

    [Fact]
    public void A_fatal_violation_halts_the_machine()
    {
        var machine = Machine.Create("V1p-order-fixed", Bounds.Scenario);
        var steps = machine.Run("mmap(p0, 0, 2, rw)", "write(p0, 0)", "mprotect(p0, 0, 1, r)", "madvise(p0, 0, 1, dontfork)", "fork(p0)");
        var heap = steps[^1].After;
        Assert.True(heap.Halted);
        Assert.Empty(machine.EnumerateOperations(heap));
        Assert.Equal(OutcomeKind.NotApplicable, machine.Apply(heap, OperationParser.Parse("exit(p0)")).Outcome.Kind);
    }

    [Fact]
    public void Operations_round_trip_through_their_text()
    {
        var machine = Machine.Create("V3-final", new Bounds(MaxProcesses: 3, AddressSpacePages: 4));
        var heap = machine.Run("mmap(p0, 0, 2, rw)", "write(p0, 0)", "fork(p0)")[^1].After;
        var ops = machine.EnumerateOperations(heap).ToList();
        Assert.True(ops.Count > 100);
        foreach (var op in ops)
            Assert.Equal(op, OperationParser.Parse(op.ToString()));
        Assert.Equal("mprotect(p0, 0, 1, r)", new MprotectOp(0, 0, 1, Prot.R).ToString());
        Assert.Equal("mremap(p1, 0, 2, 4, true)", new MremapOp(1, 0, 2, 4, true).ToString());
        Assert.Equal("inject(anon_vma)", new InjectOp(AllocKind.AnonVma).ToString());
        Assert.Equal(new MremapOp(0, 0, 1, 3, true), OperationParser.Parse("mremap(0, 0, 1, 3, dontunmap=true)"));
    }

    [Theory]
    [InlineData("mmap(p0, 0, 2)")]
    [InlineData("mmap(p0, 0, 2, wx)")]
    [InlineData("madvise(p0, 0, 2, random)")]
    [InlineData("inject(page)")]
    [InlineData("frobnicate(p0)")]
    [InlineData("write p0 1")]
    [InlineData("mremap(p0, 0, 1, 2, maybe)")]
    public void Bad_operation_text_is_rejected_with_a_message(string text)
    {
        Assert.False(OperationParser.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.Throws<FormatException>(() => OperationParser.Parse(text));
    }

    [Fact]
    public void Registry_lists_every_required_rule_set_with_its_provenance()
    {
        string[] required = ["V0", "V1", "V1p", "V1p-seed-v1", "V1p-konstantin-v2", "V2-pre6.16", "V2-6.16", "V2-6.16-fix", "V3-series-v2", "V3-merged", "V3-final"];
        foreach (var name in required)
        {
            Assert.Contains(name, RuleSetRegistry.Names);
            var rs = RuleSetRegistry.Create(name);
            Assert.Equal(name, rs.Name);
            Assert.False(string.IsNullOrWhiteSpace(rs.KernelVersion));
            Assert.False(string.IsNullOrWhiteSpace(rs.Commits));
        }
        Assert.Equal(RuleSetRegistry.Names.Count, RuleSetRegistry.Names.Distinct().Count());
        Assert.Throws<KeyNotFoundException>(() => RuleSetRegistry.Factory("V9"));
    }

    [Fact]
    public void A_users_rule_set_loads_from_an_assembly_and_runs()
    {
        RuleSetRegistry.LoadFrom(typeof(MachineApiTests).Assembly);
        Assert.Contains("example-no-fork-reuse", RuleSetRegistry.Names);
        var steps = ScenarioRunner.Run("example-no-fork-reuse",
            "mmap(p0, 0, 1, rw)", "write(p0, 0)", "fork(p0)", "fork(p1)", "fork(p2)", "exit(p1)", "exit(p2)", "fork(p3)");
        ScenarioRunner.AssertClean(steps);
        // V2 would have reused an abandoned anon_vma here; this rule set allocates a new one.
        Assert.Equal(steps[^2].After.LiveCount(AllocKind.AnonVma) + 1, steps[^1].After.LiveCount(AllocKind.AnonVma));
    }
}

/// <summary>The README's example of a user rule set: V2 whose fork never adopts an existing anon_vma.</summary>
public sealed class ExampleNoForkReuse : V2Pre616
{
    public override string Name => "example-no-fork-reuse";
    public override string KernelVersion => "v6.12 (example)";
    public override string Commits => "2555283eb40d with the reuse test of anon_vma_clone() removed";
    public override string Summary => "example: anon_vma_clone() never adopts an anon_vma on fork";

    protected override bool CloneMayReuse(Vma src, AnonVma anonVma) => false;
}
