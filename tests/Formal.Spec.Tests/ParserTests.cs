using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;

namespace Formal.Spec.Tests;

public class ParserTests
{
    private static Ast Parse(string text)
    {
        var diags = new DiagnosticBag();
        var ast = Parser.ParseExpr(text, o => new SourceSpan("t", 1, o + 1), diags);
        Assert.False(diags.HasErrors, string.Join("\n", diags.Items.Select(d => d.Render())));
        return ast;
    }

    private static string Error(string text)
    {
        var diags = new DiagnosticBag();
        Parser.ParseExpr(text, o => new SourceSpan("t", 1, o + 1), diags);
        return Assert.Single(diags.Items).Render();
    }

    [Theory]
    [InlineData("a + b * c", "a + b * c")]
    [InlineData("(a + b) * c", "(a + b) * c")]
    [InlineData("a and b or c", "a and b or c")]
    [InlineData("a or b and c", "a or b and c")]
    [InlineData("not a and b", "not a and b")]
    [InlineData("a => b => c", "a => b => c")]
    [InlineData("x in S union T", "x in S union T")]
    [InlineData("S union T inter U", "S union T inter U")]
    [InlineData("m[k].f.g", "m[k].f.g")]
    [InlineData("-x + 1", "-x + 1")]
    [InlineData("a..b", "a..b")]
    [InlineData("forall x in S, y in T: x == y", "forall x in S, y in T: x == y")]
    [InlineData("exists x, y in S: x != y", "exists x in S, y in S: x != y")]
    [InlineData("{x in S where x > 1}", "{x in S where x > 1}")]
    [InlineData("{x + 1 for x in S where x > 0}", "{x + 1 for x in S where x > 0}")]
    [InlineData("[x in 0..3 -> x * 2]", "[x in 0..3 -> x * 2]")]
    [InlineData("{a: 1, b: true}", "{a: 1, b: true}")]
    [InlineData("[1, 2, 3]", "[1, 2, 3]")]
    [InlineData("m with [k].f = 3", "m with [k].f = 3")]
    [InlineData("find v in Vma where v != w", "find v in Vma where v != w")]
    [InlineData("if a then b else c", "if a then b else c")]
    [InlineData("let x = 1 in x + 1", "let x = 1 in x + 1")]
    [InlineData("a && b || !c", "a and b or not c")]
    public void Parses_and_prints_back(string text, string expected) => Assert.Equal(expected, AstPrinter.Print(Parse(text)));

    [Fact]
    public void Multiplication_binds_tighter_than_addition()
    {
        var e = Assert.IsType<ABinary>(Parse("1 + 2 * 3"));
        Assert.Equal(BinOp.Add, e.Op);
        Assert.Equal(BinOp.Mul, Assert.IsType<ABinary>(e.Right).Op);
    }

    [Fact]
    public void Implication_is_right_associative()
    {
        var e = Assert.IsType<ABinary>(Parse("a => b => c"));
        Assert.IsType<AName>(e.Left);
        Assert.Equal(BinOp.Implies, Assert.IsType<ABinary>(e.Right).Op);
    }

    [Fact]
    public void Quantifier_body_extends_to_the_right() =>
        Assert.IsType<AQuant>(Parse("forall x in S: x > 0 and x < 3")).Body.ToString().Contains("And", StringComparison.Ordinal);

    [Fact]
    public void Spans_point_at_the_first_token_of_each_node()
    {
        var e = Assert.IsType<ABinary>(Parse("aa + bbb"));
        Assert.Equal(1, e.Left.Span.Column);
        Assert.Equal(6, e.Right.Span.Column);
    }

    [Theory]
    [InlineData("a +", "t:1:4: error: expected an expression but the text ended")]
    [InlineData("a = b", "t:1:3: error: use '==' to compare ('=' is only used in let and with)")]
    [InlineData("a == b == c", "t:1:8: error: comparisons do not chain; combine them with 'and'")]
    [InlineData("if a then b", "t:1:12: error: expected 'else' (every if needs an else in an expression) but found end of text")]
    [InlineData("x @ y", "t:1:3: error: unexpected character '@'")]
    [InlineData("f(a, )", "t:1:6: error: expected an expression but found ')'")]
    [InlineData("x not in S", "t:1:3: error: write 'notin' (one word) for 'not in'")]
    [InlineData("forall in S: x", "t:1:8: error: 'in' is a keyword and cannot be used as a variable name")]
    [InlineData("99999999999", "t:1:1: error: number 99999999999 is too large")]
    public void Reports_syntax_errors_at_the_token(string text, string expected) => Assert.Equal(expected, Error(text));

    [Theory]
    [InlineData("x := x + 1", typeof(SAssign))]
    [InlineData("require x > 0", typeof(SRequire))]
    [InlineData("assert x > 0", typeof(SAssert))]
    [InlineData("let y = x + 1", typeof(SLet))]
    [InlineData("choose v in Vma where v != w", typeof(SChoose))]
    [InlineData("alloc v in Vma", typeof(SAlloc))]
    [InlineData("unlink(v, a)", typeof(SCall))]
    [InlineData("skip", typeof(SSkip))]
    public void Parses_statement_lines(string text, Type expected)
    {
        var diags = new DiagnosticBag();
        var s = Parser.ParseStatement(text, o => new SourceSpan("t", 1, o + 1), diags);
        Assert.False(diags.HasErrors);
        Assert.IsType(expected, s);
    }

    [Theory]
    [InlineData("0..N-1", typeof(ATypeRange))]
    [InlineData("Proc -> option(AnonVma)", typeof(ATypeMap))]
    [InlineData("set(Vma)", typeof(ATypeSet))]
    [InlineData("seq(AnonVma, 4)", typeof(ATypeSeq))]
    [InlineData("{start: Addr, end: Addr}", typeof(ATypeRecord))]
    [InlineData("(N-1)..N", typeof(ATypeRange))]
    [InlineData("Proc -> (0..3 -> bool)", typeof(ATypeMap))]
    public void Parses_types(string text, Type expected)
    {
        var diags = new DiagnosticBag();
        var t = Parser.ParseType(text, o => new SourceSpan("t", 1, o + 1), diags);
        Assert.False(diags.HasErrors, string.Join("\n", diags.Items));
        Assert.IsType(expected, t);
    }
}
