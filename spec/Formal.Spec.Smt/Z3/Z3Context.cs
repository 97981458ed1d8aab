using System.Runtime.InteropServices;

namespace Formal.Spec.Smt.Z3;

/// One Z3 context (use it from one thread; only <see cref="Interrupt"/> may be called from
/// another). Reference-counted mode with an arena: every term handed out is inc_ref'd once and
/// dec_ref'd when the context is disposed, so terms survive solver push/pop and models.
public sealed unsafe class Z3Context : IDisposable
{
    private readonly List<IntPtr> _arena = new();
    private readonly Dictionary<string, IntPtr> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Term> _ints = new();
    private readonly Dictionary<uint, Sort> _bvSorts = new();
    private readonly object _gate = new();
    private IntPtr _c;

    public Z3Context()
    {
        Native.EnsureLoaded();
        var cfg = Native.Z3_mk_config();
        Native.Z3_set_param_value(cfg, "model", "true");
        _c = Native.Z3_mk_context_rc(cfg);
        Native.Z3_del_config(cfg);
        if (_c == IntPtr.Zero) throw new Z3Exception("Z3_mk_context_rc failed");
        // Z3's default handler prints and calls exit(); without one, errors are polled below.
        Native.Z3_set_error_handler(_c, IntPtr.Zero);
        BoolSort = KeepSort(Native.Z3_mk_bool_sort(_c));
        IntSort = KeepSort(Native.Z3_mk_int_sort(_c));
        True = Keep(Native.Z3_mk_true(_c));
        False = Keep(Native.Z3_mk_false(_c));
    }

    public static string Version
    {
        get
        {
            Native.EnsureLoaded();
            Native.Z3_get_version(out var major, out var minor, out var build, out var revision);
            return $"{major}.{minor}.{build}.{revision}";
        }
    }

    internal IntPtr Handle => _c != IntPtr.Zero ? _c : throw new ObjectDisposedException(nameof(Z3Context));

    public Sort BoolSort { get; }
    public Sort IntSort { get; }
    public Term True { get; }
    public Term False { get; }

    /// Number of terms kept alive (for tests of the arena).
    public int ArenaSize => _arena.Count;

    /// Throws when the last call failed.
    internal void Check()
    {
        int code = Native.Z3_get_error_code(_c);
        if (code != 0) throw new Z3Exception(ErrorMessage(code));
    }

    internal string ErrorMessage(int code) => Marshal.PtrToStringUTF8(Native.Z3_get_error_msg(_c, code)) ?? $"Z3 error {code}";

    internal int ErrorCode() => Native.Z3_get_error_code(_c);

    private Term Keep(IntPtr a)
    {
        Check();
        if (a == IntPtr.Zero) throw new Z3Exception("Z3 returned no term");
        Native.Z3_inc_ref(_c, a);
        _arena.Add(a);
        return new Term(a);
    }

    private Sort KeepSort(IntPtr s)
    {
        Check();
        var ast = Native.Z3_sort_to_ast(_c, s);
        Native.Z3_inc_ref(_c, ast);
        _arena.Add(ast);
        return new Sort(s);
    }

    private IntPtr Symbol(string name)
    {
        if (!_symbols.TryGetValue(name, out var s))
        {
            s = Native.Z3_mk_string_symbol(Handle, name);
            Check();
            _symbols[name] = s;
        }
        return s;
    }

    public Sort BitVecSort(uint width)
    {
        if (!_bvSorts.TryGetValue(width, out var s)) _bvSorts[width] = s = KeepSort(Native.Z3_mk_bv_sort(Handle, width));
        return s;
    }

    public Sort ArraySort(Sort domain, Sort range) => KeepSort(Native.Z3_mk_array_sort(Handle, domain.Handle, range.Handle));

    public SortKind KindOf(Term t)
    {
        var s = Native.Z3_get_sort(Handle, t.Handle);
        Check();
        return Native.Z3_get_sort_kind(_c, s) switch
        {
            1 => SortKind.Bool,
            2 => SortKind.Int,
            4 => SortKind.BitVector,
            5 => SortKind.Array,
            _ => SortKind.Other,
        };
    }

    public Term Const(string name, Sort sort) => Keep(Native.Z3_mk_const(Handle, Symbol(name), sort.Handle));
    public Term BoolConst(string name) => Const(name, BoolSort);
    public Term IntConst(string name) => Const(name, IntSort);

    public Term Int(long value)
    {
        if (!_ints.TryGetValue(value, out var t)) _ints[value] = t = Keep(Native.Z3_mk_int64(Handle, value, IntSort.Handle));
        return t;
    }

    public Term BitVec(long value, uint width) => Keep(Native.Z3_mk_int64(Handle, value, BitVecSort(width).Handle));
    public Term Bool(bool value) => value ? True : False;

    public Term Eq(Term a, Term b) => Keep(Native.Z3_mk_eq(Handle, a.Handle, b.Handle));
    public Term Not(Term a) => Keep(Native.Z3_mk_not(Handle, a.Handle));
    public Term Implies(Term a, Term b) => Keep(Native.Z3_mk_implies(Handle, a.Handle, b.Handle));
    public Term Iff(Term a, Term b) => Keep(Native.Z3_mk_iff(Handle, a.Handle, b.Handle));
    public Term Ite(Term cond, Term then, Term otherwise) => Keep(Native.Z3_mk_ite(Handle, cond.Handle, then.Handle, otherwise.Handle));
    public Term And(params ReadOnlySpan<Term> ts) => NAry(&Native.Z3_mk_and, ts);
    public Term Or(params ReadOnlySpan<Term> ts) => NAry(&Native.Z3_mk_or, ts);
    public Term Distinct(params ReadOnlySpan<Term> ts) => NAry(&Native.Z3_mk_distinct, ts);
    public Term Add(params ReadOnlySpan<Term> ts) => NAry(&Native.Z3_mk_add, ts);
    public Term Sub(params ReadOnlySpan<Term> ts) => NAry(&Native.Z3_mk_sub, ts);
    public Term Mul(params ReadOnlySpan<Term> ts) => NAry(&Native.Z3_mk_mul, ts);
    public Term Neg(Term a) => Keep(Native.Z3_mk_unary_minus(Handle, a.Handle));
    /// Integer division and remainder as SMT-LIB defines them (Euclidean: the remainder is never negative).
    public Term Div(Term a, Term b) => Keep(Native.Z3_mk_div(Handle, a.Handle, b.Handle));
    public Term Mod(Term a, Term b) => Keep(Native.Z3_mk_mod(Handle, a.Handle, b.Handle));
    public Term Lt(Term a, Term b) => Keep(Native.Z3_mk_lt(Handle, a.Handle, b.Handle));
    public Term Le(Term a, Term b) => Keep(Native.Z3_mk_le(Handle, a.Handle, b.Handle));
    public Term Gt(Term a, Term b) => Keep(Native.Z3_mk_gt(Handle, a.Handle, b.Handle));
    public Term Ge(Term a, Term b) => Keep(Native.Z3_mk_ge(Handle, a.Handle, b.Handle));
    public Term BvOr(Term a, Term b) => Keep(Native.Z3_mk_bvor(Handle, a.Handle, b.Handle));
    public Term BvAnd(Term a, Term b) => Keep(Native.Z3_mk_bvand(Handle, a.Handle, b.Handle));
    public Term BvNot(Term a) => Keep(Native.Z3_mk_bvnot(Handle, a.Handle));
    public Term BvAdd(Term a, Term b) => Keep(Native.Z3_mk_bvadd(Handle, a.Handle, b.Handle));
    public Term BvUle(Term a, Term b) => Keep(Native.Z3_mk_bvule(Handle, a.Handle, b.Handle));
    public Term Extract(uint high, uint low, Term a) => Keep(Native.Z3_mk_extract(Handle, high, low, a.Handle));
    public Term Select(Term array, Term index) => Keep(Native.Z3_mk_select(Handle, array.Handle, index.Handle));
    public Term Store(Term array, Term index, Term value) => Keep(Native.Z3_mk_store(Handle, array.Handle, index.Handle, value.Handle));

    /// Replaces every occurrence of from[i] by to[i] (simultaneously).
    public Term Substitute(Term t, ReadOnlySpan<Term> from, ReadOnlySpan<Term> to)
    {
        if (from.Length != to.Length) throw new ArgumentException("substitution lists differ in length");
        fixed (Term* f = from)
        fixed (Term* g = to)
            return Keep(Native.Z3_substitute(Handle, t.Handle, (uint)from.Length, (IntPtr*)f, (IntPtr*)g));
    }

    private Term NAry(delegate*<IntPtr, uint, IntPtr*, IntPtr> make, ReadOnlySpan<Term> ts)
    {
        fixed (Term* p = ts) return Keep(make(Handle, (uint)ts.Length, (IntPtr*)p));
    }

    /// The numeral value of a ground integer term (e.g. a model value), or null.
    public long? NumeralValue(Term t)
    {
        bool ok = Native.Z3_get_numeral_int64(Handle, t.Handle, out var v);
        int code = ErrorCode();
        return ok && code == 0 ? v : null;
    }

    /// true/false for the constants, null otherwise.
    public bool? BoolValue(Term t)
    {
        int v = Native.Z3_get_bool_value(Handle, t.Handle);
        Check();
        return v switch { 1 => true, -1 => false, _ => null };
    }

    public string ToString(Term t)
    {
        var s = Native.Z3_ast_to_string(Handle, t.Handle);
        Check();
        return Marshal.PtrToStringUTF8(s) ?? "";
    }

    /// Runs an SMT-LIB script through this context's interpreter and returns what it printed.
    public string EvalSmtLib(string script)
    {
        var s = Native.Z3_eval_smtlib2_string(Handle, script);
        Check();
        return Marshal.PtrToStringUTF8(s) ?? "";
    }

    public Z3Solver Solver() => new(this);

    /// Makes a running check return unknown ("canceled"); safe to call from any thread.
    public void Interrupt()
    {
        lock (_gate)
            if (_c != IntPtr.Zero) Native.Z3_interrupt(_c);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_c == IntPtr.Zero) return;
            foreach (var a in _arena) Native.Z3_dec_ref(_c, a);
            _arena.Clear();
            Native.Z3_del_context(_c);
            _c = IntPtr.Zero;
        }
    }
}
