using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Replay;

/// One operation to replay: the action, every parameter's value as text, and optionally the
/// nondeterministic choices inside it. With <see cref="Choices"/> null the choices are left
/// open, and so are the choice names it does not mention: the first matching successor, in the
/// generator's order, is taken.
public sealed record StepRequest(string Action, EquatableArray<(string Name, string Value)> Params, EquatableArray<(string Name, string Value)>? Choices)
{
    /// Values are compared as the spec prints them (Proc0, working, 3), which is also how
    /// scenario files write them.
    public bool Matches(StepLabel label)
    {
        if (label.Action != Action || label.Params.Count != Params.Count) return false;
        for (int i = 0; i < Params.Count; i++)
        {
            var p = Params[i];
            bool found = false;
            foreach (var (name, value) in label.Params)
                if (name == p.Name) { found = value.Show() == p.Value; break; }
            if (!found) return false;
        }
        if (Choices is not { } cs) return true;
        // Each choice name given must be given for every time the step makes it, in order; the
        // names not given are left open.
        var named = new HashSet<string>(cs.Select(c => c.Name), StringComparer.Ordinal);
        int j = 0;
        foreach (var (name, value) in label.Choices)
        {
            if (!named.Contains(name)) continue;
            if (j >= cs.Count || cs[j].Name != name || cs[j].Value != value.Show()) return false;
            j++;
        }
        return j == cs.Count;
    }

    public static StepRequest Of(StepLabel label, bool withChoices = true) => new(label.Action,
        EquatableArray<(string, string)>.From(label.Params.Select(p => (p.Name, p.Value.Show()))),
        withChoices ? EquatableArray<(string, string)>.From(label.Choices.Select(c => (c.Name, c.Value.Show()))) : null);

    /// The scenario-file spelling: `Action(p=v, q=w) choosing c=x`.
    public string Show()
    {
        var s = Params.Count == 0 ? Action : $"{Action}({string.Join(", ", Params.Select(p => $"{p.Name}={p.Value}"))})";
        if (Choices is { Count: > 0 } cs) s += " choosing " + string.Join(", ", cs.Select(c => $"{c.Name}={c.Value}"));
        return s;
    }

    public StepRequest WithParam(int index, string value) =>
        this with { Params = EquatableArray<(string, string)>.From(Params.Select((p, i) => i == index ? (p.Name, value) : p)) };
}
