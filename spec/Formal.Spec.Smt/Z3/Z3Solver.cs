using System.Runtime.InteropServices;
using Formal.Spec.Smt.Solving;

namespace Formal.Spec.Smt.Z3;

/// A Z3 solver (reference-counted). Time limits and cancellation interrupt the check from a
/// watchdog (<see cref="Z3Context.Interrupt"/>, Z3_interrupt). Not Z3's own `timeout` solver
/// parameter: with libz3 4.8.12 a check with it set hung in a futex wait under load (observed
/// in this project's binding tests; Z3's scoped_timer was reworked after 4.8.12).
public sealed unsafe class Z3Solver : ISolver
{
    private readonly Z3Context _z;
    private IntPtr _s;

    internal Z3Solver(Z3Context z)
    {
        _z = z;
        _s = Native.Z3_mk_solver(z.Handle);
        z.Check();
        Native.Z3_solver_inc_ref(z.Handle, _s);
    }

    public Z3Context Context => _z;

    private IntPtr S => _s != IntPtr.Zero ? _s : throw new ObjectDisposedException(nameof(Z3Solver));

    public void Assert(Term t)
    {
        Native.Z3_solver_assert(_z.Handle, S, t.Handle);
        _z.Check();
    }

    public void Push()
    {
        Native.Z3_solver_push(_z.Handle, S);
        _z.Check();
    }

    public void Pop(uint n = 1)
    {
        Native.Z3_solver_pop(_z.Handle, S, n);
        _z.Check();
    }

    public SolveResult Check(IReadOnlyList<Term> assumptions, TimeSpan? timeout, CancellationToken cancel = default)
    {
        var handles = new IntPtr[assumptions.Count];
        for (int i = 0; i < handles.Length; i++) handles[i] = assumptions[i].Handle;
        int r;
        var watchdog = timeout is not null || cancel.CanBeCanceled ? new Watchdog(_z, timeout, cancel) : null;
        try
        {
            fixed (IntPtr* p = handles)
                r = Native.Z3_solver_check_assumptions(_z.Handle, S, (uint)handles.Length, p);
        }
        finally
        {
            watchdog?.Stop();
        }
        int code = _z.ErrorCode();
        // A failure inside the search (out of memory, an exception in a tactic) is an answer of
        // the solver, not a bug of ours: report it as unknown with Z3's message.
        if (code != 0) return SolveResult.Unknown(_z.ErrorMessage(code));
        return r switch
        {
            1 => SolveResult.Sat,
            -1 => SolveResult.Unsat,
            _ when watchdog?.Fired is { } why => SolveResult.Unknown(why),
            _ => SolveResult.Unknown(ReasonUnknown()),
        };
    }

    /// Interrupts the context once the time is up or cancellation is requested, and again every
    /// 50 ms until the check returns (an interrupt that arrives before Z3 enters the search is
    /// lost). <see cref="Stop"/> waits for a running callback, so no interrupt outlives the check.
    private sealed class Watchdog
    {
        private readonly Z3Context _z;
        private readonly long _deadline;
        private readonly CancellationToken _cancel;
        private readonly Timer _timer;

        public Watchdog(Z3Context z, TimeSpan? timeout, CancellationToken cancel)
        {
            _z = z;
            _cancel = cancel;
            _deadline = timeout is { } t ? Environment.TickCount64 + (long)Math.Ceiling(t.TotalMilliseconds) : long.MaxValue;
            _timer = new Timer(_ => Tick(), null, 0, 50);
        }

        /// Why the check was interrupted ("timeout", "canceled"), or null.
        public string? Fired { get; private set; }

        private void Tick()
        {
            if (_cancel.IsCancellationRequested) Fired ??= "canceled";
            else if (Environment.TickCount64 >= _deadline) Fired ??= "timeout";
            else return;
            _z.Interrupt();
        }

        public void Stop()
        {
            using var done = new ManualResetEvent(false);
            if (_timer.Dispose(done)) done.WaitOne();
        }
    }

    private string ReasonUnknown()
    {
        var s = Native.Z3_solver_get_reason_unknown(_z.Handle, S);
        _z.Check();
        return Marshal.PtrToStringUTF8(s) is { Length: > 0 } reason ? reason : "unknown";
    }

    public IModel Model()
    {
        var m = Native.Z3_solver_get_model(_z.Handle, S);
        _z.Check();
        return new Z3Model(_z, m);
    }

    public string ToSmtLib(IReadOnlyList<Term> assumptions)
    {
        var s = Native.Z3_solver_to_string(_z.Handle, S);
        _z.Check();
        var text = Marshal.PtrToStringUTF8(s) ?? "";
        var sb = new System.Text.StringBuilder(text);
        if (text.Length > 0 && !text.EndsWith('\n')) sb.Append('\n');
        foreach (var a in assumptions) sb.Append("(assert ").Append(_z.ToString(a)).Append(")\n");
        sb.Append("(check-sat)\n");
        return sb.ToString();
    }

    public void Dispose()
    {
        if (_s == IntPtr.Zero) return;
        Native.Z3_solver_dec_ref(_z.Handle, _s);
        _s = IntPtr.Zero;
    }
}
