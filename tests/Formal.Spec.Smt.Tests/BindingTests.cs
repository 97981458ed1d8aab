using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Tests;

/// The thin Z3 binding: terms, checks, models, assumptions, timeouts, errors as exceptions
/// instead of exit(), and the SMT-LIB text of a query.
public class BindingTests
{
    [Fact]
    public void Loads_debians_libz3_and_reports_its_version()
    {
        Assert.Matches(@"^4\.\d+\.\d+\.\d+$", Z3Context.Version);
    }

    [Fact]
    public void Solves_and_reads_the_model()
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        var x = z.IntConst("x");
        var p = z.BoolConst("p");
        s.Assert(z.Gt(x, z.Int(3)));
        s.Assert(z.Lt(x, z.Int(5)));
        s.Assert(z.Iff(p, z.Eq(x, z.Int(4))));
        Assert.Equal(SolveResult.Sat, s.Check([], null));
        using var m = s.Model();
        Assert.Equal(4, m.Int(x));
        Assert.True(m.Bool(p));
    }

    [Fact]
    public void Assumptions_select_queries_without_changing_the_assertions()
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        var x = z.IntConst("x");
        var q = z.BoolConst("q");
        s.Assert(z.Implies(q, z.Lt(x, z.Int(0))));
        s.Assert(z.Ge(x, z.Int(0)));
        Assert.Equal(SolveStatus.Unsat, s.Check([q], null).Status);
        Assert.Equal(SolveStatus.Sat, s.Check([], null).Status);
    }

    [Fact]
    public void Z3_errors_become_exceptions_not_process_exits()
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        // Popping a scope that was never pushed is an error in Z3 ("index out of bounds").
        Assert.Throws<Z3Exception>(() => s.Pop(5));
        // The context is still usable afterwards.
        s.Assert(z.True);
        Assert.Equal(SolveStatus.Sat, s.Check([], null).Status);
    }

    [Fact]
    public void Euclidean_division_is_what_the_solver_computes()
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        var q = z.IntConst("q");
        var r = z.IntConst("r");
        s.Assert(z.Eq(q, z.Div(z.Int(-7), z.Int(-2))));
        s.Assert(z.Eq(r, z.Mod(z.Int(-7), z.Int(-2))));
        Assert.Equal(SolveStatus.Sat, s.Check([], null).Status);
        using var m = s.Model();
        // SMT-LIB: -7 = q * -2 + r with 0 <= r < 2, so q = 4, r = 1 (floor division gives 3 and -1).
        Assert.Equal((4L, 1L), (m.Int(q), m.Int(r)));
    }

    /// x^3 + y^3 = z^3 over positive integers: no solution, and Z3 does not find that out.
    private static void Fermat3(Z3Context z, Z3Solver s)
    {
        var (x, y, w) = (z.IntConst("x"), z.IntConst("y"), z.IntConst("w"));
        foreach (var v in new[] { x, y, w }) s.Assert(z.Gt(v, z.Int(0)));
        s.Assert(z.Eq(z.Add(z.Mul(x, x, x), z.Mul(y, y, y)), z.Mul(w, w, w)));
    }

    [Fact]
    public void A_time_limit_turns_a_hard_query_into_unknown_and_the_next_check_is_unaffected()
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        s.Push();
        Fermat3(z, s);
        Assert.Equal(SolveResult.Unknown("timeout"), s.Check([], TimeSpan.FromMilliseconds(200)));
        s.Pop();
        // No interrupt outlives the check it was meant for.
        s.Assert(z.Gt(z.IntConst("x"), z.Int(0)));
        Assert.Equal(SolveStatus.Sat, s.Check([], TimeSpan.FromSeconds(30)).Status);
    }

    [Fact]
    public void Cancellation_interrupts_a_running_check()
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        Fermat3(z, s);
        using var cancel = new CancellationTokenSource(200);
        Assert.Equal(SolveResult.Unknown("canceled"), s.Check([], null, cancel.Token));
    }

    [Fact]
    public void Substitution_replaces_constants_simultaneously()
    {
        using var z = new Z3Context();
        var (a, b) = (z.IntConst("a"), z.IntConst("b"));
        var t = z.Sub(a, b);
        var swapped = z.Substitute(t, [a, b], [b, a]);
        Assert.Equal("(- b a)", z.ToString(swapped));
    }

    [Fact]
    public void The_query_as_smtlib_runs_through_the_same_library()
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        var x = z.IntConst("x");
        var q = z.BoolConst("q");
        s.Assert(z.Implies(q, z.Gt(x, z.Int(2))));
        s.Assert(z.Lt(x, z.Int(2)));
        var text = s.ToSmtLib([q]);
        Assert.Contains("(declare-fun x () Int)", text, StringComparison.Ordinal);
        Assert.EndsWith("(assert q)\n(check-sat)\n", text, StringComparison.Ordinal);
        using var fresh = new Z3Context();
        Assert.Equal("unsat", fresh.EvalSmtLib(text).Trim());
    }

    [Fact]
    public void Terms_are_hash_consed_and_kept_by_the_arena()
    {
        using var z = new Z3Context();
        var x = z.IntConst("x");
        int before = z.ArenaSize;
        var a = z.Add(x, z.Int(1));
        var b = z.Add(x, z.Int(1));
        Assert.Equal(a, b);
        Assert.True(z.ArenaSize > before);
    }
}
