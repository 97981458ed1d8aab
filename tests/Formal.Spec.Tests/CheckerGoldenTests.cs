using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;
using Formal.Tests;

namespace Formal.Spec.Tests;

/// Every spec in Golden/errors must be rejected with exactly the messages in its .expected
/// file (UPDATE_GOLDEN=1 rewrites them after a deliberate change).
public class CheckerGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.Path("tests", "Formal.Spec.Tests", "Golden", "errors"), "*.yaml").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rejects_with_the_expected_messages(string name)
    {
        var rel = $"tests/Formal.Spec.Tests/Golden/errors/{name}.yaml";
        var path = Repo.Path(rel.Split('/'));
        var diags = new DiagnosticBag();
        var configs = name == "bad_constants" ? new[] { "big", "wrong", "nope" } : new string?[] { null };
        var lines = new List<string>();
        foreach (var config in configs)
        {
            var d = new DiagnosticBag();
            Assert.Null(SpecLoader.Load(path, config, [], d));
            if (config is not null) lines.Add($"# --config {config}");
            lines.AddRange(d.Sorted().Select(x => x.Render().Replace(Repo.Root + "/", "")));
        }
        Repo.Golden($"tests/Formal.Spec.Tests/Golden/errors/{name}.expected", string.Join("\n", lines) + "\n");
    }

    [Fact]
    public void Every_golden_error_file_reports_at_least_two_errors_at_once()
    {
        foreach (var f in Directory.GetFiles(Repo.Path("tests", "Formal.Spec.Tests", "Golden", "errors"), "*.expected"))
            Assert.True(File.ReadAllLines(f).Count(l => l.Contains(": error: ", StringComparison.Ordinal)) >= 2, f);
    }

    [Fact]
    public void A_command_line_constant_outside_its_range_is_rejected()
    {
        var d = new DiagnosticBag();
        var ov = new ConstOverride("N", ConstValue.OfInt(99), new SourceSpan(Checker.CommandLine, 0, 0));
        Assert.Null(SpecLoader.Load(Repo.Example("counters"), null, [ov], d));
        Assert.Equal("command line: error: constant 'N' = 99 is out of its range 1..16", Assert.Single(d.Items).Render());
    }
}
