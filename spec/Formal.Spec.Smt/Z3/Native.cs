using System.Reflection;
using System.Runtime.InteropServices;

namespace Formal.Spec.Smt.Z3;

/// The Z3 C API entry points we use (all present in Debian bookworm's libz3-4 4.8.12). Handles
/// are opaque pointers; every call is followed by an error-code check in the wrappers, because
/// the context's error handler is cleared (Z3's default handler calls exit()).
internal static unsafe partial class Native
{
    private const string Lib = "z3";

    /// FORMAL_Z3_LIBRARY, when set, is the only candidate (tests use it to simulate a missing
    /// library); otherwise the runtime package's soname first, then the -dev symlink.
    private static readonly string[] Candidates =
        Environment.GetEnvironmentVariable("FORMAL_Z3_LIBRARY") is { Length: > 0 } forced
            ? [forced]
            : ["libz3.so.4", "libz3.so", "libz3"];

    private static readonly Lazy<string?> LoadProblem = new(Probe);

    static Native()
    {
        NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib) return IntPtr.Zero;
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        return IntPtr.Zero;
    }

    private static string? Probe()
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, typeof(Native).Assembly, null, out _)) return null;
        return $"the Z3 library ({string.Join(", ", Candidates)}) was not found; install it with: apt-get install libz3-4";
    }

    /// Throws <see cref="SolverUnavailableException"/> naming the package when libz3 is missing,
    /// before any entry point is bound (a failed bind would surface as DllNotFoundException).
    public static void EnsureLoaded()
    {
        if (LoadProblem.Value is { } problem) throw new SolverUnavailableException(problem);
    }

    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_config();
    [LibraryImport(Lib)] internal static partial void Z3_del_config(IntPtr cfg);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void Z3_set_param_value(IntPtr cfg, string id, string value);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_context_rc(IntPtr cfg);
    [LibraryImport(Lib)] internal static partial void Z3_del_context(IntPtr c);
    [LibraryImport(Lib)] internal static partial void Z3_set_error_handler(IntPtr c, IntPtr handler);
    [LibraryImport(Lib)] internal static partial int Z3_get_error_code(IntPtr c);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_get_error_msg(IntPtr c, int err);
    [LibraryImport(Lib)] internal static partial void Z3_get_version(out uint major, out uint minor, out uint build, out uint revision);
    [LibraryImport(Lib)] internal static partial void Z3_interrupt(IntPtr c);

    [LibraryImport(Lib)] internal static partial void Z3_inc_ref(IntPtr c, IntPtr a);
    [LibraryImport(Lib)] internal static partial void Z3_dec_ref(IntPtr c, IntPtr a);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr Z3_mk_string_symbol(IntPtr c, string s);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_bool_sort(IntPtr c);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_int_sort(IntPtr c);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_bv_sort(IntPtr c, uint size);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_array_sort(IntPtr c, IntPtr domain, IntPtr range);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_sort_to_ast(IntPtr c, IntPtr s);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_get_sort(IntPtr c, IntPtr a);
    [LibraryImport(Lib)] internal static partial int Z3_get_sort_kind(IntPtr c, IntPtr s);

    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_const(IntPtr c, IntPtr symbol, IntPtr sort);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_int64(IntPtr c, long v, IntPtr sort);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_true(IntPtr c);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_false(IntPtr c);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_eq(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_not(IntPtr c, IntPtr a);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_implies(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_iff(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_ite(IntPtr c, IntPtr cond, IntPtr then, IntPtr otherwise);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_and(IntPtr c, uint n, IntPtr* args);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_or(IntPtr c, uint n, IntPtr* args);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_distinct(IntPtr c, uint n, IntPtr* args);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_add(IntPtr c, uint n, IntPtr* args);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_sub(IntPtr c, uint n, IntPtr* args);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_mul(IntPtr c, uint n, IntPtr* args);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_unary_minus(IntPtr c, IntPtr a);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_div(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_mod(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_lt(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_le(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_gt(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_ge(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_bvor(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_bvand(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_bvnot(IntPtr c, IntPtr a);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_bvadd(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_bvule(IntPtr c, IntPtr a, IntPtr b);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_extract(IntPtr c, uint high, uint low, IntPtr a);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_select(IntPtr c, IntPtr array, IntPtr index);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_store(IntPtr c, IntPtr array, IntPtr index, IntPtr value);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_substitute(IntPtr c, IntPtr a, uint n, IntPtr* from, IntPtr* to);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_ast_to_string(IntPtr c, IntPtr a);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool Z3_get_numeral_int64(IntPtr c, IntPtr a, out long value);
    [LibraryImport(Lib)] internal static partial int Z3_get_bool_value(IntPtr c, IntPtr a);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial IntPtr Z3_eval_smtlib2_string(IntPtr c, string text);

    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_solver(IntPtr c);
    [LibraryImport(Lib)] internal static partial void Z3_solver_inc_ref(IntPtr c, IntPtr s);
    [LibraryImport(Lib)] internal static partial void Z3_solver_dec_ref(IntPtr c, IntPtr s);
    [LibraryImport(Lib)] internal static partial void Z3_solver_assert(IntPtr c, IntPtr s, IntPtr a);
    [LibraryImport(Lib)] internal static partial int Z3_solver_check(IntPtr c, IntPtr s);
    [LibraryImport(Lib)] internal static partial int Z3_solver_check_assumptions(IntPtr c, IntPtr s, uint n, IntPtr* assumptions);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_solver_get_model(IntPtr c, IntPtr s);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_solver_get_reason_unknown(IntPtr c, IntPtr s);
    [LibraryImport(Lib)] internal static partial void Z3_solver_push(IntPtr c, IntPtr s);
    [LibraryImport(Lib)] internal static partial void Z3_solver_pop(IntPtr c, IntPtr s, uint n);
    [LibraryImport(Lib)] internal static partial void Z3_solver_set_params(IntPtr c, IntPtr s, IntPtr p);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_solver_to_string(IntPtr c, IntPtr s);

    [LibraryImport(Lib)] internal static partial IntPtr Z3_mk_params(IntPtr c);
    [LibraryImport(Lib)] internal static partial void Z3_params_inc_ref(IntPtr c, IntPtr p);
    [LibraryImport(Lib)] internal static partial void Z3_params_dec_ref(IntPtr c, IntPtr p);
    [LibraryImport(Lib)] internal static partial void Z3_params_set_uint(IntPtr c, IntPtr p, IntPtr key, uint value);

    [LibraryImport(Lib)] internal static partial void Z3_model_inc_ref(IntPtr c, IntPtr m);
    [LibraryImport(Lib)] internal static partial void Z3_model_dec_ref(IntPtr c, IntPtr m);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] internal static partial bool Z3_model_eval(IntPtr c, IntPtr m, IntPtr t, [MarshalAs(UnmanagedType.U1)] bool completion, out IntPtr value);
    [LibraryImport(Lib)] internal static partial IntPtr Z3_model_to_string(IntPtr c, IntPtr m);
}
