using System.Reflection;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Encoding;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Tests;

/// A node kind the encoder does not know, to show the check below can fail.
public sealed record EUnencodedForTest(Ty Type, SourceSpan Span) : Expr(Type, Span);

/// Every IR node kind has an encoding: a new sealed subclass of Expr or Stmt in Formal.Spec.Ir
/// fails this test until the SMT encoder handles it (after P's AstEmitterExhaustivenessTests).
public class ExhaustivenessTests
{
    private static List<string> Missing<TBase>(Assembly assembly, IReadOnlyCollection<Type> handled) =>
        assembly.GetTypes()
            .Where(t => t.IsSealed && !t.IsAbstract && typeof(TBase).IsAssignableFrom(t) && !handled.Contains(t))
            .Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();

    private static (ExprEncoder, StmtEncoder) Encoders(Z3Context z)
    {
        var x = new ExprEncoder(new Values(new Terms(z)), new DiagnosticBag());
        return (x, new StmtEncoder(x));
    }

    [Fact]
    public void Every_expression_and_statement_kind_of_the_ir_has_an_encoding()
    {
        using var z = new Z3Context();
        var (x, s) = Encoders(z);
        var ir = typeof(Expr).Assembly;
        Assert.Equal([], Missing<Expr>(ir, x.HandledNodeTypes));
        Assert.Equal([], Missing<Stmt>(ir, s.HandledNodeTypes));
        // The reflection looks at the real IR: these are among the kinds it checked.
        Assert.Contains(typeof(EQuant), x.HandledNodeTypes);
        Assert.Contains(typeof(SAllocIr), s.HandledNodeTypes);
    }

    [Fact]
    public void A_node_kind_without_an_encoding_is_reported()
    {
        using var z = new Z3Context();
        var (x, _) = Encoders(z);
        Assert.Equal(["EUnencodedForTest"], Missing<Expr>(typeof(ExhaustivenessTests).Assembly, x.HandledNodeTypes));
    }

    [Fact]
    public void An_unknown_node_reaching_the_encoder_is_a_diagnostic_not_a_crash()
    {
        using var z = new Z3Context();
        var diags = new DiagnosticBag();
        var x = new ExprEncoder(new Values(new Terms(z)), diags);
        var env = new Env([], [], System.Collections.Immutable.ImmutableDictionary<int, SVal>.Empty);
        x.Encode(new EUnencodedForTest(BoolTy.Instance, new SourceSpan("t.yaml", 3, 7)), env, Guard.Root(x.T, x.T.True));
        Assert.Equal(["t.yaml:3:7: error: the SMT back end cannot encode EUnencodedForTest expressions"], diags.Items.Select(d => d.Render()));
    }
}
