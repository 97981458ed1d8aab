using System.Runtime.InteropServices;
using Formal.Spec.Smt.Solving;

namespace Formal.Spec.Smt.Z3;

/// A Z3 solver (reference-counted). Time limits go through the solver's `timeout` parameter,
/// set before each check; <see cref="Z3Context.Interrupt"/> cancels a running check.
public sealed unsafe class Z3Solver : ISolver
{
    private readonly Z3Context _z;
    private IntPtr _s;
    private uint _timeoutMs = uint.MaxValue;

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

    public SolveResult Check(IReadOnlyList<Term> assumptions, TimeSpan? timeout)
    {
        SetTimeout(timeout);
        var handles = new IntPtr[assumptions.Count];
        for (int i = 0; i < handles.Length; i++) handles[i] = assumptions[i].Handle;
        int r;
        fixed (IntPtr* p = handles)
            r = Native.Z3_solver_check_assumptions(_z.Handle, S, (uint)handles.Length, p);
        int code = _z.ErrorCode();
        // A failure inside the search (out of memory, an exception in a tactic) is an answer of
        // the solver, not a bug of ours: report it as unknown with Z3's message.
        if (code != 0) return SolveResult.Unknown(_z.ErrorMessage(code));
        return r switch
        {
            1 => SolveResult.Sat,
            -1 => SolveResult.Unsat,
            _ => SolveResult.Unknown(ReasonUnknown()),
        };
    }

    private void SetTimeout(TimeSpan? timeout)
    {
        uint ms = timeout is { } t ? (uint)Math.Clamp(Math.Ceiling(t.TotalMilliseconds), 1, uint.MaxValue - 1) : uint.MaxValue;
        if (ms == _timeoutMs) return;
        var p = Native.Z3_mk_params(_z.Handle);
        _z.Check();
        Native.Z3_params_inc_ref(_z.Handle, p);
        try
        {
            var key = Native.Z3_mk_string_symbol(_z.Handle, "timeout");
            Native.Z3_params_set_uint(_z.Handle, p, key, ms);
            Native.Z3_solver_set_params(_z.Handle, S, p);
            _z.Check();
        }
        finally
        {
            Native.Z3_params_dec_ref(_z.Handle, p);
        }
        _timeoutMs = ms;
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
