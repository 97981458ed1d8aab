using Formal.Reference;

namespace Formal.Refinement;

/// Several rule sets checked side by side: each on its own thread (a rule set's run is
/// sequential and independent of the others'), at most <c>jobs</c> at a time, taken in the given
/// order. Results are handed to the caller in that order too, each as soon as it and all before
/// it are done, so the output does not depend on which run finished first.
public static class RefinementBatch
{
    /// The stack of a worker thread: the compiled spec's evaluators recurse deeply on large states.
    private const int StackSize = 512 * 1024 * 1024;

    public static IReadOnlyList<RefinementResult> Run(RefinementSetup setup, IReadOnlyList<Func<RuleSet>> factories, RefinementOptions options,
        int jobs, Action<int, RefinementResult>? report = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        int n = factories.Count;
        var results = new RefinementResult?[n];
        var errors = new Exception?[n];
        var gate = new object();
        int next = -1;
        var workers = new List<Thread>();
        for (int w = 0; w < Math.Min(jobs, n); w++)
        {
            var t = new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < n)
                {
                    RefinementResult? r = null;
                    Exception? error = null;
                    try { r = new RefinementChecker(setup, factories[i], options).Run(); }
                    catch (Exception e) { error = e; }
                    lock (gate)
                    {
                        results[i] = r;
                        errors[i] = error;
                        Monitor.PulseAll(gate);
                    }
                }
            }, StackSize) { IsBackground = true, Name = $"refine-{w}" };
            workers.Add(t);
            t.Start();
        }
        var done = new List<RefinementResult>();
        for (int i = 0; i < n; i++)
        {
            lock (gate)
                while (results[i] is null && errors[i] is null) Monitor.Wait(gate);
            if (errors[i] is { } e)
            {
                foreach (var t in workers) t.Join();
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
            }
            done.Add(results[i]!);
            report?.Invoke(i, results[i]!);
        }
        foreach (var t in workers) t.Join();
        return done;
    }
}
