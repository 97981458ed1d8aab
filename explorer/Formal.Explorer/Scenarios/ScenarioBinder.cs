using Formal.Explorer.Replay;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;

namespace Formal.Explorer.Scenarios;

/// Checks a scenario's steps against a spec before running anything: actions, parameter names
/// and values, and choice names must exist; errors point at the scenario file.
public static class ScenarioBinder
{
    public static (StepRequest? Init, List<StepRequest> Steps)? Bind(Scenario s, SpecIr ir, DiagnosticBag diags)
    {
        int errors = diags.Items.Count;
        if (s.Init is { Choices: { } ic })
        {
            var names = SpecActions.ChoiceNames(ir.Init);
            foreach (var c in ic)
                if (!names.Contains(c.Name))
                    diags.Error(c.NameSpan, $"the init of spec {ir.Name} has no choice '{c.Name}'{Hint(c.Name, names)}");
        }
        var steps = new List<StepRequest>();
        foreach (var step in s.Steps)
        {
            var action = ir.Actions.FirstOrDefault(a => a.Name == step.Action);
            if (action is null)
            {
                diags.Error(step.Span, $"'{step.Action}' is not an action of spec {ir.Name}{Suggest.Hint(step.Action, ir.Actions.Select(a => a.Name))}; actions: {string.Join(", ", ir.Actions.Select(a => a.Name))}");
                continue;
            }
            foreach (var arg in step.Params)
            {
                var p = action.Params.FirstOrDefault(x => x.Name == arg.Name);
                if (p is null)
                {
                    diags.Error(arg.NameSpan, $"{action.Name} has no parameter '{arg.Name}'{Suggest.Hint(arg.Name, action.Params.Select(x => x.Name))}" +
                        (action.Params.Count == 0 ? " (it takes none)" : $"; parameters: {string.Join(", ", action.Params.Select(x => x.Name))}"));
                    continue;
                }
                var domain = SpecActions.Domain(p.Type);
                if (!domain.Contains(arg.Value))
                    diags.Error(arg.ValueSpan, $"'{arg.Value}' is not a value of {action.Name}'s parameter {p.Name} ({p.Type.Show()}: {Show(domain)})");
            }
            foreach (var p in action.Params)
                if (!step.Params.Any(a => a.Name == p.Name))
                    diags.Error(step.Span, $"{action.Name} needs the parameter '{p.Name}' ({p.Type.Show()}); write {action.Name}({string.Join(", ", action.Params.Select(x => $"{x.Name}=..."))})");
            if (step.Choices is { } cs)
            {
                var names = SpecActions.ChoiceNames(action.Body);
                foreach (var c in cs)
                    if (!names.Contains(c.Name))
                        diags.Error(c.NameSpan, $"{action.Name} makes no choice named '{c.Name}'{Hint(c.Name, names)}");
            }
            steps.Add(step.ToRequest());
        }
        if (diags.Items.Count > errors) return null;
        return (s.Init?.ToRequest(), steps);
    }

    private static string Hint(string name, HashSet<string> names) =>
        Suggest.Hint(name, names) + (names.Count == 0 ? " (it makes none)" : $"; choices: {string.Join(", ", names.Order(StringComparer.Ordinal))}");

    private static string Show(List<string> domain) =>
        domain.Count <= 12 ? string.Join(", ", domain) : $"{string.Join(", ", domain.Take(5))}, ..., {domain[^1]}";
}
