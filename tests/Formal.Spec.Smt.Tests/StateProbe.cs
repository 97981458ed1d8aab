using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Engines;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Tests;

/// Compares reachable states state by state: a small breadth-first search over the evaluator
/// gives each state's distance from the initial states; BMC must reach the state in exactly that
/// many steps and not in fewer.
public static class StateProbe
{
    /// Every state within maxDepth steps with its distance, in BFS order (deterministic).
    public static List<(ulong[] State, int Depth)> Levels(SpecIr ir, int maxDepth)
    {
        var ts = new SpecTransitionSystem(ir);
        var gen = ts.NewGenerator();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<(ulong[], int)>();
        var frontier = new List<ulong[]>();
        var collect = new Collect();
        SmtHarness.OnBigStack(() => { gen.Initial(collect); return 0; });
        foreach (var s in collect.Take()) if (seen.Add(Key(s))) { order.Add((s, 0)); frontier.Add(s); }
        for (int d = 1; d <= maxDepth && frontier.Count > 0; d++)
        {
            var next = new List<ulong[]>();
            foreach (var s in frontier)
            {
                SmtHarness.OnBigStack(() => { gen.Successors(s, collect); return 0; });
                foreach (var t in collect.Take()) if (seen.Add(Key(t))) { order.Add((t, d)); next.Add(t); }
            }
            frontier = next;
        }
        return order;
    }

    private static string Key(ulong[] s) => string.Join(",", s);

    /// For each probed state: the depths at which BMC says it is reachable, up to its distance.
    public static void AssertBmcAgrees(SpecIr ir, int maxDepth, int maxProbes)
    {
        var levels = Levels(ir, maxDepth);
        // A deterministic sample spread over all depths.
        int stride = Math.Max(1, levels.Count / maxProbes);
        var probes = levels.Where((_, i) => i % stride == 0).Take(maxProbes).ToList();
        SmtHarness.OnBigStack(() =>
        {
            using var z = new Z3Context();
            var diags = new DiagnosticBag();
            var u = new Unrolling(ir, z, false, diags);
            using var session = new Session(() => z.Solver(), u, new Budget(null), _ => { }, false);
            var bmc = new BmcSession(session);
            var ts = new SpecTransitionSystem(ir);
            int deepest = probes.Max(p => p.Depth);
            // Unrolled depth by depth: at depth d, a state first found at d is reachable, one
            // first found at d + 1 is not (BFS depths are shortest distances).
            for (int d = 0; d <= deepest; d++)
            {
                bmc.Unroll();
                Assert.True(diags.Count == 0, string.Join("\n", diags.Items));
                foreach (var (state, depth) in probes.Where(p => p.Depth == d || p.Depth == d + 1))
                {
                    var r = bmc.ReachesNow(u.Codec.Constant(state)).Status;
                    string show = ValueCodec.ShowState(ts.Decode(state)).Replace("\n", "; ");
                    if (depth == d) Assert.True(r == SolveStatus.Sat, $"BMC does not reach, in {d} steps, {show}");
                    else Assert.True(r == SolveStatus.Unsat, $"BMC reaches in {d} steps what BFS finds first at {depth}: {show}");
                }
            }
            return 0;
        });
    }

    private sealed class Collect : IStateVisitor
    {
        private readonly List<ulong[]> _states = new();
        public List<ulong[]> Take() { var r = _states.ToList(); _states.Clear(); return r; }
        public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fp) => _states.Add(packed.ToArray());
        public void OnAssertion(IStateGenerator g, string a, SourceSpan s) { }
        public void OnBoundReached(IStateGenerator g, string p) { }
    }
}
