using System.Globalization;
using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Smt.Engines;

namespace Formal.SmtBench;

/// BMC of any spec with per-depth times, in either solving mode.
public static class SpecBench
{
    public static void Run(string specPath, string? config, int depth, SolvingMode mode, int? induction)
    {
        var diags = new DiagnosticBag();
        var ir = SpecLoader.Load(specPath, config, [], diags) ?? throw new InvalidOperationException(string.Join("\n", diags.Items));
        var r = Prover.Run(ir, new ProveOptions
        {
            BmcDepth = depth,
            InductionK = induction,
            Mode = mode,
            MaxGroundedInstances = Environment.GetEnvironmentVariable("SMT_BENCH_GROUND") is { } g ? int.Parse(g, CultureInfo.InvariantCulture) : Formal.Spec.Smt.Encoding.SpecEncoder.DefaultMaxGroundedInstances,
            OnCheck = c => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Query} {c.Depth}: {c.Result} (encode {c.EncodeSeconds:F3} s, solve {c.SolveSeconds:F3} s)")),
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Verdict} in {r.ElapsedSeconds:F2} s ({mode})"));
    }
}
