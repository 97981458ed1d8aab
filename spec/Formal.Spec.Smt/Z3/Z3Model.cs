using System.Runtime.InteropServices;
using Formal.Spec.Smt.Solving;

namespace Formal.Spec.Smt.Z3;

/// A model of a satisfiable check (reference-counted; dispose before the context).
public sealed class Z3Model : IModel
{
    private readonly Z3Context _z;
    private IntPtr _m;

    internal Z3Model(Z3Context z, IntPtr m)
    {
        _z = z;
        _m = m;
        Native.Z3_model_inc_ref(z.Handle, m);
    }

    /// Evaluates t and reads the value while holding a reference to it (values are not put in
    /// the context's arena: a long decode would otherwise keep every one alive).
    private T Read<T>(Term t, Func<Term, T?> read, string what) where T : struct
    {
        if (_m == IntPtr.Zero) throw new ObjectDisposedException(nameof(Z3Model));
        if (!Native.Z3_model_eval(_z.Handle, _m, t.Handle, true, out var v) || v == IntPtr.Zero)
            throw new Z3Exception($"cannot evaluate {_z.ToString(t)} in the model");
        _z.Check();
        Native.Z3_inc_ref(_z.Handle, v);
        try
        {
            return read(new Term(v)) ?? throw new Z3Exception($"the model gives no {what} for {_z.ToString(t)}");
        }
        finally
        {
            Native.Z3_dec_ref(_z.Handle, v);
        }
    }

    public bool Bool(Term t) => Read(t, _z.BoolValue, "truth value");

    public long Int(Term t) => Read(t, _z.NumeralValue, "integer value");

    public override string ToString()
    {
        var s = Marshal.PtrToStringUTF8(Native.Z3_model_to_string(_z.Handle, _m));
        _z.Check();
        return s ?? "";
    }

    public void Dispose()
    {
        if (_m == IntPtr.Zero) return;
        Native.Z3_model_dec_ref(_z.Handle, _m);
        _m = IntPtr.Zero;
    }
}
