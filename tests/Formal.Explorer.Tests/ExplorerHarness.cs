using Formal.Explorer.Bfs;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Types;
using Formal.Tests;

namespace Formal.Explorer.Tests;

public static class ExplorerHarness
{
    /// Explores with the sequential engine and, unless a time or memory limit makes the stopping
    /// point depend on the machine, also with two parallel workers, and asserts that both give
    /// the same verdict, counts and trace: every explorer test is a parallel-equality test too.
    public static ExploreResult Run(SpecIr ir, ExploreOptions? options = null)
    {
        options ??= new ExploreOptions();
        var ts = new SpecTransitionSystem(ir);
        var sequential = RunOnBigStack(() => new BfsExplorer(ts, options with { Workers = 1 }).Run());
        if (options.Observer is null && options.TimeLimit is null && options.MemoryBudget is null)
            AssertSame(sequential, RunOnBigStack(() => new BfsExplorer(ts, options with { Workers = 2 }).Run()));
        return sequential;
    }

    public static void AssertSame(ExploreResult expected, ExploreResult actual)
    {
        Assert.Equal(expected.Verdict, actual.Verdict);
        Assert.Equal(
            (expected.Stats.Distinct, expected.Stats.Generated, expected.Stats.Depth, expected.Stats.Queue),
            (actual.Stats.Distinct, actual.Stats.Generated, actual.Stats.Depth, actual.Stats.Queue));
        Assert.Equal(expected.BoundHits.OrderBy(p => p.Key, StringComparer.Ordinal), actual.BoundHits.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.InconclusiveReason, actual.InconclusiveReason);
        Assert.Equal(TraceText(expected), TraceText(actual));
    }

    public static string TraceText(ExploreResult r)
    {
        if (r.Trace is null) return "";
        using var ms = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(ms)) Formal.Explorer.Traces.TraceJson.Write(w, r.Trace);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    public static ExploreResult RunExample(string name, string? config = null, params (string, long)[] consts) =>
        Run(SpecHarness.LoadFile(Repo.Example(name), config, consts));

    /// The example with its invariants removed, to count the whole state space.
    public static ExploreResult RunWithoutInvariants(string name, string? config = null) =>
        Run(SpecHarness.LoadFile(Repo.Example(name), config) with { Invariants = EquatableArray<InvariantIr>.From([]), Lemmas = EquatableArray<InvariantIr>.From([]) });

    /// An example spec with a textual change (a planted bug).
    public static ExploreResult RunMutant(string name, string from, string to, ExploreOptions? options = null) =>
        RunMutant(name, [(from, to)], options);

    public static ExploreResult RunMutant(string name, (string From, string To)[] edits, ExploreOptions? options = null)
    {
        var text = File.ReadAllText(Repo.Example(name));
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        return Run(SpecHarness.Load(text), options);
    }

    public static T RunOnBigStack<T>(Func<T> work) => BigStack.Run(work);
}
