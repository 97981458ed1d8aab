using Formal.Spec.Runtime;
using Formal.Tests;

namespace Formal.Spec.Tests;

/// Expression semantics, evaluated through `init: r := EXPR` by the IL evaluator (and by the
/// closures in <see cref="ClosureEvaluatorTests"/>).
public class EvaluatorTests
{
    protected virtual Evaluator Evaluator => Evaluator.Il;

    private const string Types = """
        types:
          Proc: { pool: 3, symmetric: true }
          Color: { enum: [red, green, blue] }
          Rec: { record: { a: 0..9, b: bool } }
        """;

    private string Show(string expr, string type) => SpecHarness.Eval(expr, type, Types, Evaluator).Show();

    [Theory]
    [InlineData("1 + 2 * 3", "0..20", "7")]
    [InlineData("7 / 2", "-9..9", "3")]
    [InlineData("-7 / 2", "-9..9", "-4")]
    [InlineData("-7 % 3", "0..9", "2")]
    [InlineData("7 % 3", "0..9", "1")]
    [InlineData("if 1 < 2 then 5 else 6", "0..9", "5")]
    [InlineData("let x = 4 in x * x", "0..20", "16")]
    [InlineData("card({1, 3, 5})", "0..9", "3")]
    [InlineData("min({4, 2, 7})", "0..9", "2")]
    [InlineData("max({4, 2, 7})", "0..9", "7")]
    [InlineData("len([1, 2])", "0..9", "2")]
    [InlineData("head([4, 5])", "0..9", "4")]
    [InlineData("last([4, 5])", "0..9", "5")]
    // Sequences go through the closures, which read bound locals from their slots.
    [InlineData("let k = 3 in head([k, 2])", "0..9", "3")]
    public void Integers(string expr, string type, string expected) => Assert.Equal(expected, Show(expr, type));

    [Theory]
    [InlineData("true and false", "false")]
    [InlineData("true or false", "true")]
    [InlineData("false => false", "true")]
    [InlineData("true => false", "false")]
    [InlineData("true <=> true", "true")]
    [InlineData("not (1 == 2)", "true")]
    [InlineData("2 in {1, 2}", "true")]
    [InlineData("3 notin {1, 2}", "true")]
    [InlineData("{1} subseteq {1, 2}", "true")]
    [InlineData("{1, 2} subseteq {1}", "false")]
    [InlineData("forall x in 0..3: x < 4", "true")]
    [InlineData("exists x in 0..3: x == 5", "false")]
    [InlineData("forall x, y in {1, 2}: x + y <= 4", "true")]
    [InlineData("exists p in Proc: true", "true")]
    [InlineData("forall c in Color: c != red", "false")]
    [InlineData("green in {red, green}", "true")]
    [InlineData("{a: 1, b: true} == {a: 1, b: true}", "true")]
    [InlineData("[1, 2] == [1, 2]", "true")]
    [InlineData("[1, 2] == [2, 1]", "false")]
    [InlineData("2 in [1, 2, 3]", "true")]
    [InlineData("some(3) == 3", "true")]
    [InlineData("none == some(3)", "false")]
    [InlineData("(find x in 0..9 where x * x > 10) == some(4)", "true")]
    [InlineData("(find x in 0..3 where x > 5) == none", "true")]
    [InlineData("forall i in 10..20: i >= 10", "true")]
    [InlineData("forall x in 0..3: head([x, 9]) == x", "true")]
    [InlineData("exists x in 0..20: last([x]) == 20", "true")]
    [InlineData("card({x in 0..20 where head([x]) > 17}) == 3", "true")]
    public void Booleans(string expr, string expected) => Assert.Equal(expected, Show(expr, "bool"));

    [Theory]
    [InlineData("{1, 2} union {3}", "set(0..9)", "{1, 2, 3}")]
    [InlineData("{1, 2} inter {2, 3}", "set(0..9)", "{2}")]
    [InlineData("{1, 2} diff {2, 3}", "set(0..9)", "{1}")]
    [InlineData("{x in 0..9 where x % 3 == 0}", "set(0..9)", "{0, 3, 6, 9}")]
    [InlineData("{x * 2 for x in {1, 2, 3}}", "set(0..9)", "{2, 4, 6}")]
    [InlineData("{x for x in 0..5 where x > 3}", "set(0..9)", "{4, 5}")]
    [InlineData("2..4", "set(0..9)", "{2, 3, 4}")]
    [InlineData("{}", "set(0..9)", "{}")]
    [InlineData("Color", "set(Color)", "{red, green, blue}")]
    [InlineData("{c in Color where c != green}", "set(Color)", "{red, blue}")]
    public void Sets(string expr, string type, string expected) => Assert.Equal(expected, Show(expr, type));

    [Theory]
    [InlineData("[x in 0..2 -> x * x]", "0..2 -> 0..9", "[0 -> 0, 1 -> 1, 2 -> 4]")]
    [InlineData("[x in 0..2 -> x] with [1] = 7", "0..2 -> 0..9", "[0 -> 0, 1 -> 7, 2 -> 2]")]
    [InlineData("[c in Color -> c == red]", "Color -> bool", "[red -> true, green -> false, blue -> false]")]
    [InlineData("{a: 3, b: false} with .a = 5", "Rec", "{a: 5, b: false}")]
    [InlineData("[x in 0..1 -> {a: x, b: true}] with [1].a = 9", "0..1 -> Rec", "[0 -> {a: 0, b: true}, 1 -> {a: 9, b: true}]")]
    [InlineData("append([1], 2)", "seq(0..9, 3)", "[1, 2]")]
    [InlineData("tail([1, 2, 3])", "seq(0..9, 3)", "[2, 3]")]
    [InlineData("[1, 2] with [0] = 5", "seq(0..9, 3)", "[5, 2]")]
    [InlineData("[]", "seq(0..9, 3)", "[]")]
    [InlineData("some(4)", "option(0..9)", "4")]
    [InlineData("none", "option(0..9)", "none")]
    [InlineData("some({a: 1, b: true})", "option(Rec)", "{a: 1, b: true}")]
    [InlineData("none", "option(Rec)", "none")]
    [InlineData("(some({a: 1, b: true})).value.a", "0..9", "1")]
    public void Structures(string expr, string type, string expected) => Assert.Equal(expected, Show(expr, type));

    [Theory]
    [InlineData("12", "0..9", "value 12 is outside the range 0..9")]
    [InlineData("1 / (2 - 2)", "0..9", "division by zero")]
    [InlineData("head([]) + 0", "0..9", "head of an empty sequence")]
    [InlineData("append([1, 2, 3], 4)", "seq(0..9, 3)", "append to a full sequence (maximum length 3)")]
    [InlineData("[1, 2, 3, 4]", "seq(0..9, 3)", "a sequence of length 4 does not fit the maximum length 3")]
    [InlineData("(find x in 0..3 where x > 5).value", "0..9", "'.value' of none")]
    [InlineData("[x in 0..2 -> x][5]", "0..9", "key 5 is not in this map's keys (0..2)")]
    [InlineData("{x + 5 for x in {1, 2}}", "set(0..6)", "set element 7 is outside 0..6")]
    public void Run_time_errors_name_the_problem(string expr, string type, string message)
    {
        var e = Assert.Throws<EvalError>(() => Show(expr, type));
        Assert.Equal(message, e.Message);
        Assert.Equal(("test.yaml", Types.Split('\n').Length + 5), (e.Span.File, e.Span.Line));
    }

    [Fact]
    public void Floor_division_and_modulo_agree_with_the_identity()
    {
        for (int a = -7; a <= 7; a++)
            for (int b = -3; b <= 3; b++)
            {
                if (b == 0) continue;
                long q = Checking.ConstEval.FloorDiv(a, b), r = Checking.ConstEval.FloorMod(a, b);
                Assert.Equal(a, q * b + r);
                Assert.True(b > 0 ? r >= 0 && r < b : r <= 0 && r > b);
            }
    }
}

/// The same expression tests on the closure evaluator.
public class ClosureEvaluatorTests : EvaluatorTests
{
    protected override Evaluator Evaluator => Evaluator.Closures;
}
