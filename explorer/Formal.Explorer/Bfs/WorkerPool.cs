namespace Formal.Explorer.Bfs;

/// Helper threads that run one job at a time on every worker; the calling thread is worker 0.
/// A job returns when every worker has finished its part (two barrier phases per job).
internal sealed class WorkerPool : IDisposable
{
    private readonly Barrier _barrier;
    private readonly Thread[] _threads;
    private Action<int>? _job;
    private Exception? _error;
    private bool _closing;

    public WorkerPool(int workers)
    {
        Count = workers;
        _barrier = new Barrier(workers);
        _threads = new Thread[workers - 1];
        for (int i = 1; i < workers; i++)
        {
            int id = i;
            // Compiled actions run in continuation-passing style and nest deeply: big stacks, as
            // the CLI gives its own exploring thread.
            _threads[i - 1] = new Thread(() => Loop(id), 256 * 1024 * 1024) { IsBackground = true, Name = $"bfs-worker-{id}" };
            _threads[i - 1].Start();
        }
    }

    public int Count { get; }

    public void Run(Action<int> job)
    {
        _job = job;
        _barrier.SignalAndWait();
        try
        {
            job(0);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
        }
        _barrier.SignalAndWait();
        _job = null;
        if (Interlocked.Exchange(ref _error, null) is { } error)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
    }

    private void Loop(int id)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_closing) return;
            try
            {
                _job!(id);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
            _barrier.SignalAndWait();
        }
    }

    public void Dispose()
    {
        _closing = true;
        _barrier.SignalAndWait();
        foreach (var t in _threads) t.Join();
        _barrier.Dispose();
    }
}
