using Formal.Explorer.Pictures;
using Formal.Explorer.Scenarios;
using Formal.Spec.Diagnostics;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// Pictures are checked as DOT and HTML text, never as rendered images.
public class PictureTests
{
    [Fact]
    public void The_generic_picture_highlights_exactly_what_changed()
    {
        var t = TraceHarness.Check(TraceHarness.MutantFile("two_phase_commit", TraceHarness.TpcNoCommit), "two");
        var dot = TracePictures.Dot(t, 1); // RMPrepare(r=0): rm[0] and msg_prepared change
        Assert.StartsWith("digraph state {", dot, StringComparison.Ordinal);
        Assert.Contains("state 1, after RMPrepare(r=0)", dot, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(dot, $"bgcolor=\"{StatePictures.ChangedColor}\""));
        Assert.Contains($"<td bgcolor=\"{StatePictures.ChangedColor}\">prepared</td>", dot, StringComparison.Ordinal);
        Assert.Contains($"<td bgcolor=\"{StatePictures.ChangedColor}\">{{0}}</td>", dot, StringComparison.Ordinal);
        Assert.Equal(0, CountOf(TracePictures.Dot(t, 0), "bgcolor=\"#"));
    }

    private static int CountOf(string s, string what) => (s.Length - s.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static Traces.Trace AnonVmaTrace()
    {
        var diags = new DiagnosticBag();
        var outcome = ExplorerHarness.RunOnBigStack(() => ScenarioRunner.Run(Repo.Path("scenarios", "b2020c_prev_sharing_missing_link.yaml"), diags));
        Assert.True(outcome is not null, string.Join("\n", diags.Items));
        return outcome!.Replay.Trace;
    }

    [Fact]
    public void The_anon_vma_picture_draws_processes_vmas_the_forest_pages_and_ptes()
    {
        var t = AnonVmaTrace();
        var dot = TracePictures.Dot(t, 5); // after the child's COW write
        Assert.StartsWith("digraph anon_vma {", dot, StringComparison.Ordinal);
        Assert.Contains("subgraph cluster_Proc0 {", dot, StringComparison.Ordinal);
        Assert.Contains("subgraph cluster_Proc1 {", dot, StringComparison.Ordinal);
        Assert.Contains("Vma0 -> Vma1 [style=invis];", dot, StringComparison.Ordinal); // address order
        Assert.Contains("AnonVma1 -> AnonVma0 [label=\"parent\"];", dot, StringComparison.Ordinal);
        Assert.Contains("Vma3 -> AnonVma2 [penwidth=2, label=\"anon\"];", dot, StringComparison.Ordinal);
        Assert.Contains("Vma3 -> AnonVma0 [color=gray40];", dot, StringComparison.Ordinal);
        Assert.Contains("AnonVma2 -> Page1 [dir=back, color=blue, label=\"mapping\"];", dot, StringComparison.Ordinal);
        Assert.Contains("Vma3 -> Page1 [style=dotted, label=\"pte 2\", color=\"#e08000\", penwidth=2];", dot, StringComparison.Ordinal);
        Assert.Contains($"Page1 [shape=note, style=filled, fillcolor=\"{StatePictures.ChangedColor}\"", dot, StringComparison.Ordinal);
        Assert.Contains("Page0 [shape=note, style=filled, fillcolor=\"" + StatePictures.ChangedColor, dot, StringComparison.Ordinal); // mapcount 2 -> 1
        Assert.DoesNotContain("Vma2 [shape=plaintext, label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"2\" bgcolor", dot, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_specs_and_other_shapes_fall_back_to_the_generic_picture()
    {
        var t = AnonVmaTrace();
        var renamed = t with { Steps = Formal.Spec.Types.EquatableArray<Traces.TraceStep>.From(t.Steps.Select(s => s with { State = Formal.Spec.Types.EquatableArray<(string, Formal.Spec.Runtime.Value)>.From(s.State.Select(v => v.Name == "av" ? ("anon_vmas", v.Value) : v)) })) };
        Assert.StartsWith("digraph state {", TracePictures.Dot(renamed, 3), StringComparison.Ordinal);
    }

    [Fact]
    public void The_html_report_is_self_contained_with_a_diff_and_a_picture_per_step()
    {
        var t = TraceHarness.Check(Repo.Example("water_jug"));
        var html = HtmlReport.Write(t, null);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal(7, CountOf(html, "<section id=\"step"));
        Assert.Equal(7, CountOf(html, "<pre class=\"dot\">digraph state {"));
        Assert.Contains("<h2>Step 6: BigToSmall</h2>\n<pre>small: 2 -&gt; 3\nbig: 5 -&gt; 4</pre>", html, StringComparison.Ordinal);
        Assert.Contains("The pictures are given as DOT source: pictures not rendered.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
    }

    [Fact]
    public void With_graphviz_the_report_embeds_svg_and_without_it_says_how_to_install_it()
    {
        var t = TraceHarness.Check(Repo.Example("water_jug"));
        var html = HtmlReport.Write(t, dot => Graphviz.ToSvg(dot, TimeSpan.FromSeconds(20)));
        if (Graphviz.IsInstalled())
        {
            Assert.Equal(7, CountOf(html, "<svg"));
            Assert.DoesNotContain("<pre class=\"dot\">", html, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("apt-get install graphviz", html, StringComparison.Ordinal);
            Assert.Equal(7, CountOf(html, "<pre class=\"dot\">"));
        }
    }
}
