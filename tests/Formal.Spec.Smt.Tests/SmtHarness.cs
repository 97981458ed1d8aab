using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Engines;
using Formal.Tests;

namespace Formal.Spec.Smt.Tests;

/// Runs the prover and the explorer on the same spec, and replays claimed paths into traces.
public static class SmtHarness
{
    public static ProveResult Prove(SpecIr ir, int? bmc = null, int? induction = null, bool? deadlock = null, int split = 0) =>
        OnBigStack(() => Prover.Run(ir, new ProveOptions { BmcDepth = bmc, InductionK = induction, CheckDeadlock = deadlock, MaxCasesPerAction = split }));

    public static ExploreResult Explore(SpecIr ir, int? maxDepth = null, bool? deadlock = null) =>
        OnBigStack(() => new BfsExplorer(new SpecTransitionSystem(ir), new ExploreOptions { MaxDepth = maxDepth, CheckDeadlock = deadlock }).Run());

    /// The claimed path as a checked trace (fails the test on a divergence).
    public static Trace Replay(SpecIr ir, ClaimedPath path)
    {
        var outcome = OnBigStack(() => PathReplay.Replay(new SpecTransitionSystem(ir), path));
        Assert.True(outcome.Trace is not null, $"replay diverged: {outcome.Divergence}");
        return outcome.Trace!;
    }

    public static SpecIr Example(string name, string? config = null, params (string, long)[] consts) =>
        SpecHarness.LoadFile(Repo.Example(name), config, consts);

    /// An example with textual edits (a planted bug).
    public static SpecIr Mutant(string name, params (string From, string To)[] edits)
    {
        var text = File.ReadAllText(Repo.Example(name));
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        return SpecHarness.Load(text);
    }

    public static T OnBigStack<T>(Func<T> work) => BigStack.Run(work);
}
