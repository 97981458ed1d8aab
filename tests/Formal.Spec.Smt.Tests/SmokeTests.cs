using Formal.Explorer.Traces;
using Formal.Spec.Smt.Engines;

namespace Formal.Spec.Smt.Tests;

public class SmokeTests
{
    [Fact]
    public void Water_jug_bmc_finds_the_six_step_solution()
    {
        var ir = SmtHarness.Example("water_jug");
        var r = SmtHarness.Prove(ir, bmc: 10);
        Assert.True(r.Diagnostics.Count == 0, string.Join("\n", r.Diagnostics));
        Assert.Equal(ProveVerdict.Violation, r.Verdict);
        var t = SmtHarness.Replay(ir, r.Violation!);
        Assert.Equal(6, t.Length);
        Assert.Equal(ViolationKind.Invariant, t.Violation.Kind);
    }
}
