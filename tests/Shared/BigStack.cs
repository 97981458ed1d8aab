namespace Formal.Tests;

/// Compiled actions run in continuation-passing style, so long action bodies nest deeply; the
/// tests run engines on a thread with the stack the CLI gives them.
public static class BigStack
{
    public static T Run<T>(Func<T> work)
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
