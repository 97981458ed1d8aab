using Formal.Explorer.Bfs;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Types;
using Formal.Tests;

namespace Formal.Explorer.Tests;

public static class ExplorerHarness
{
    public static ExploreResult Run(SpecIr ir, ExploreOptions? options = null) =>
        RunOnBigStack(() => new BfsExplorer(new SpecTransitionSystem(ir), options).Run());

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

    public static T RunOnBigStack<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = e; }
        }, 256 * 1024 * 1024);
        t.Start();
        t.Join();
        if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        return result;
    }
}
