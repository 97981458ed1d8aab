using System.Text;
using Formal.Explorer.Pictures;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Graph;

/// The state graph as DOT: one node per state (initial states double circles, states without
/// successors octagons, marked states filled), one edge per transition labelled with its step.
/// Node tooltips carry the full state for small graphs.
public static class GraphDot
{
    public const int TooltipLimit = 5000;

    public static string Write(ITransitionSystem ts, StateGraph sg, string name, IReadOnlySet<int>? marked = null, string markColor = "lightsalmon")
    {
        var labels = EdgeLabels(ts, sg);
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(Dot.Quote(name)).Append(" {\n");
        sb.Append("  node [shape=circle, fontsize=10, width=0.3, fixedsize=false];\n  edge [fontsize=8];\n");
        for (int v = 0; v < sg.Count; v++)
        {
            var attrs = new List<string> { $"label={Dot.Quote(v.ToString(System.Globalization.CultureInfo.InvariantCulture))}" };
            if (sg.IsInitial(v)) attrs.Add("shape=doublecircle");
            else if (sg.Graph.OutDegree(v) == 0) attrs.Add("shape=octagon");
            if (marked?.Contains(v) == true) attrs.Add($"style=filled, fillcolor={markColor}");
            if (sg.Count <= TooltipLimit) attrs.Add($"tooltip={Dot.Quote(ValueCodec.ShowState(ts.Decode(sg.States[v])))}");
            sb.Append("  s").Append(v).Append(" [").Append(string.Join(", ", attrs)).Append("];\n");
        }
        foreach (var e in sg.Graph.Edges.OrderBy(e => e.Source).ThenBy(e => e.Tag))
            sb.Append("  s").Append(e.Source).Append(" -> s").Append(e.Target)
              .Append(" [label=").Append(Dot.Quote(labels[e.Source].GetValueOrDefault(e.Tag, "?"))).Append("];\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    /// The label of each successor ordinal of each state (regenerated: the graph keeps ordinals only).
    private static Dictionary<int, string>[] EdgeLabels(ITransitionSystem ts, StateGraph sg)
    {
        var gen = ts.NewGenerator();
        gen.RecordChoices = true;
        var result = new Dictionary<int, string>[sg.Count];
        for (int v = 0; v < sg.Count; v++)
        {
            var c = new LabelCollector();
            try { gen.Successors(sg.States[v], c); }
            catch (EvalError) { }
            result[v] = c.Labels;
        }
        return result;
    }

    private sealed class LabelCollector : IStateVisitor
    {
        public Dictionary<int, string> Labels { get; } = new();
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint) => Labels[Labels.Count] = g.CurrentLabel().Show();
        public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span) { }
        public void OnBoundReached(IStateGenerator g, string pool) { }
    }
}
