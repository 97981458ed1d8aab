using Formal.Spec.Runtime;

namespace Formal.Explorer.Traces;

/// What changed between two states, in the words a reader of kernel code uses: map entries and
/// record fields by path (`anon_vma[AnonVma1].num_children: 1 -> 2`), set elements added and
/// removed (`chain[Vma2] += AnonVma1`, `tree[AnonVma0] -= Vma1`), other values as `old -> new`.
public static class StateDiff
{
    public static List<string> Lines(IReadOnlyList<(string Name, Value Value)> before, IReadOnlyList<(string Name, Value Value)> after)
    {
        var lines = new List<string>();
        for (int v = 0; v < after.Count && v < before.Count; v++)
            Diff(after[v].Name, before[v].Value, after[v].Value, lines);
        return lines;
    }

    /// The paths that changed (the same paths as <see cref="Lines"/>), for highlighting pictures.
    public static HashSet<string> ChangedPaths(IReadOnlyList<(string Name, Value Value)> before, IReadOnlyList<(string Name, Value Value)> after)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (int v = 0; v < after.Count && v < before.Count; v++)
            Paths(after[v].Name, before[v].Value, after[v].Value, paths);
        return paths;
    }

    public static void Diff(string path, Value before, Value after, List<string> into) =>
        Walk(path, before, after, (p, a, b) =>
        {
            if (a is VSet x && b is VSet y)
            {
                var added = y.Items.Where(v => !x.Items.Contains(v)).ToList();
                var removed = x.Items.Where(v => !y.Items.Contains(v)).ToList();
                if (added.Count > 0) into.Add($"{p} += {Elements(added)}");
                if (removed.Count > 0) into.Add($"{p} -= {Elements(removed)}");
            }
            else into.Add($"{p}: {a.Show()} -> {b.Show()}");
        });

    private static void Paths(string path, Value before, Value after, HashSet<string> into) =>
        Walk(path, before, after, (p, _, _) => into.Add(p));

    /// Calls <paramref name="leaf"/> for every changed leaf: map entries and record fields are
    /// descended into (same shape on both sides), anything else is a leaf.
    private static void Walk(string path, Value before, Value after, Action<string, Value, Value> leaf)
    {
        if (before == after) return;
        switch (before, after)
        {
            case (VMap a, VMap b) when a.Entries.Count == b.Entries.Count:
                for (int i = 0; i < a.Entries.Count; i++)
                    Walk($"{path}[{b.Entries[i].Key.Show()}]", a.Entries[i].Value, b.Entries[i].Value, leaf);
                return;
            case (VRecord a, VRecord b) when a.Fields.Count == b.Fields.Count:
                for (int i = 0; i < a.Fields.Count; i++)
                    Walk($"{path}.{b.Fields[i].Name}", a.Fields[i].Value, b.Fields[i].Value, leaf);
                return;
            default:
                leaf(path, before, after);
                return;
        }
    }

    private static string Elements(List<Value> items) =>
        items.Count == 1 ? items[0].Show() : "{" + string.Join(", ", items.Select(i => i.Show())) + "}";
}
