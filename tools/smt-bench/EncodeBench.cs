using System.Diagnostics;
using System.Globalization;
using Formal.Spec;
using Formal.Spec.Diagnostics;
using Formal.Spec.Smt.Engines;
using Formal.Spec.Smt.Z3;

namespace Formal.SmtBench;

/// How long encoding one step of a spec takes, and how many terms it makes.
public static class EncodeBench
{
    public static void Run(string specPath, string? config)
    {
        var diags = new DiagnosticBag();
        var ir = SpecLoader.Load(specPath, config, [], diags) ?? throw new InvalidOperationException(string.Join("\n", diags.Items));
        using var z = new Z3Context();
        var u = new Unrolling(ir, z, false, diags);
        void Time(string what, Action a)
        {
            int before = z.ArenaSize;
            var sw = Stopwatch.StartNew();
            a();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-16} {sw.Elapsed.TotalSeconds,8:F3} s {z.ArenaSize - before,10:N0} terms"));
        }
        Time("init", () => _ = u.InitOk);
        Time("step 1 actions", () => _ = u.Step(1));
        Time("successor 1", () => _ = u.Successor(1));
        Time("valid 1", () => _ = u.Valid(1));
        Time("invariants 1", () => _ = u.Invariants(1));
        Time("step 2 actions", () => _ = u.Step(2));
        Console.WriteLine($"{u.Step(1).Actions.Length} action instances per step");
    }
}
