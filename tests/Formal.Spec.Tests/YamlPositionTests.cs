using Formal.Spec.Diagnostics;
using Formal.Spec.Yaml;

namespace Formal.Spec.Tests;

public class YamlPositionTests
{
    private static YScalar Scalar(string yaml, string key)
    {
        var diags = new DiagnosticBag();
        var root = Assert.IsType<YMap>(YamlLoader.Load("f.yaml", yaml, diags));
        Assert.False(diags.HasErrors);
        return Assert.IsType<YScalar>(root.Get(key));
    }

    [Theory]
    [InlineData("a: x + yy\n", 4, 1, 8)]
    [InlineData("a: \"x + yy\"\n", 4, 1, 9)]
    [InlineData("a: 'x + yy'\n", 4, 1, 9)]
    [InlineData("a: |\n  first\n  x + yy\n", 10, 3, 7)]
    [InlineData("a: >\n  first\n  x + yy\n", 10, 3, 7)]
    [InlineData("a: first\n  x + yy\n", 10, 2, 7)]
    public void Offsets_inside_scalars_map_to_file_positions(string yaml, int offset, int line, int col)
    {
        var s = Scalar(yaml, "a");
        var span = s.SpanAt(offset);
        Assert.Equal((line, col), (span.Line, span.Column));
    }

    [Fact]
    public void Tabs_in_indentation_are_reported_at_the_tab()
    {
        var diags = new DiagnosticBag();
        YamlLoader.Load("f.yaml", "a:\n\tb: 1\n", diags);
        Assert.Equal("f.yaml:2:1: error: tab character in indentation; YAML indentation must use spaces", Assert.Single(diags.Items).Render());
    }

    [Fact]
    public void Duplicate_keys_point_at_the_second_and_name_the_first()
    {
        var diags = new DiagnosticBag();
        YamlLoader.Load("f.yaml", "a: 1\nb: 2\na: 3\n", diags);
        Assert.Equal("f.yaml:3:1: error: duplicate key 'a' (first defined at line 1, column 1)", Assert.Single(diags.Items).Render());
    }

    [Fact]
    public void Alias_bombs_are_refused_quickly()
    {
        var yaml = "a: &a [1,2,3,4,5,6,7,8,9]\n";
        for (int i = 0; i < 8; i++)
            yaml += $"{(char)('b' + i)}: &{(char)('b' + i)} [{string.Join(",", Enumerable.Repeat($"*{(char)('a' + i)}", 9))}]\n";
        var diags = new DiagnosticBag();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(YamlLoader.Load("f.yaml", yaml, diags));
        Assert.Contains("alias", Assert.Single(diags.Items).Message, StringComparison.Ordinal);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Too_many_aliases_are_refused()
    {
        var yaml = "a: &a 1\nb: [" + string.Join(",", Enumerable.Repeat("*a", 150)) + "]\n";
        var diags = new DiagnosticBag();
        Assert.Null(YamlLoader.Load("f.yaml", yaml, diags));
        Assert.Contains("too many aliases", Assert.Single(diags.Items).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_errors_have_positions()
    {
        var diags = new DiagnosticBag();
        YamlLoader.Load("f.yaml", "a: [1, 2\nb: 3\n", diags);
        var d = Assert.Single(diags.Items);
        Assert.StartsWith("f.yaml:", d.Render(), StringComparison.Ordinal);
        Assert.Contains("YAML syntax", d.Message, StringComparison.Ordinal);
    }
}
