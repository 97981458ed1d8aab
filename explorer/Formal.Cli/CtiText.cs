using System.Text;
using Formal.Explorer.Traces;
using Formal.Spec.Smt.Engines;

namespace Formal.Cli;

/// A counterexample to induction for humans: the assumed states, the steps, what breaks, and
/// what the reachability search found. Not a bug report: its first state may be unreachable.
public static class CtiText
{
    private const string InitialHeader = "State 0 (initial):\n";

    public static string Render(Trace cti, CounterexampleToInduction info)
    {
        var sb = new StringBuilder();
        sb.Append($"Counterexample to induction (k={info.K}): {info.K} step{(info.K == 1 ? "" : "s")} from states that satisfy every invariant and lemma reach a violation of {cti.Violation.Property}.\n");
        var body = TraceText.Render(cti);
        if (body.StartsWith(InitialHeader, StringComparison.Ordinal))
            body = "State 0 (assumed; not necessarily reachable):\n" + body[InitialHeader.Length..];
        sb.Append(body);
        if (cti.FailingStep is null) sb.Append($"  -> {cti.Violation.Message}\n");
        sb.Append(info.ReachableAt is { } at
            ? $"Its first state is reachable in {at} steps.\n"
            : $"Its first state is not reachable within {info.SearchedDepth} steps (bounded search; --bmc DEPTH searches deeper).\n");
        return sb.ToString();
    }
}
