using Formal.Explorer.Replay;
using Formal.Explorer.Traces;
using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Types;

namespace Formal.Explorer.Scenarios;

/// A `name=value` argument of a scenario step, with the positions of both parts.
public sealed record ScenarioArg(string Name, SourceSpan NameSpan, string Value, SourceSpan ValueSpan);

/// One operation of a scenario as written. <see cref="Choices"/> null: left open.
public sealed record ScenarioStep(SourceSpan Span, string Action, EquatableArray<ScenarioArg> Params, EquatableArray<ScenarioArg>? Choices)
{
    public StepRequest ToRequest() => new(Action,
        EquatableArray<(string, string)>.From(Params.Select(p => (p.Name, p.Value))),
        Choices is { } cs ? EquatableArray<(string, string)>.From(cs.Select(c => (c.Name, c.Value))) : null);
}

/// The violation a scenario expects: kind and property, optionally the step (0 = the initial
/// state) and a text the violation's message must contain.
public sealed record ExpectedViolation(SourceSpan Span, ViolationKind Kind, string Property, int? Step, string? Message)
{
    public string Describe() =>
        (Kind == ViolationKind.None ? "no violation" : $"{Property} ({Violation.NameOf(Kind)})")
        + (Step is { } s ? $" at step {s}" : "") + (Message is { } m ? $" with message containing \"{m}\"" : "");
}

/// A scenario file (`scenarios/*.yaml`): a named sequence of operations, the spec and
/// configuration it applies to, the reference rule sets it is meant for (with what each should
/// do when replayed against it, `formal replay --rule-set`), and what is expected.
public sealed record Scenario(
    string Name,
    string File,
    string? Doc,
    string SpecPath,
    SourceSpan SpecSpan,
    string? Config,
    EquatableArray<ConstOverride> Constants,
    EquatableArray<string> RuleSets,
    ScenarioStep? Init,
    EquatableArray<ScenarioStep> Steps,
    ExpectedViolation Expect,
    EquatableArray<QueryText> Final,
    EquatableArray<(string Name, ExpectedViolation Expect)> RuleSetExpect = default)
{
    /// What replaying against a rule set should give: its entry in `rule_sets` when that is a
    /// mapping, else <see cref="Expect"/>.
    public ExpectedViolation ExpectFor(string ruleSet)
    {
        foreach (var (name, e) in RuleSetExpect)
            if (name == ruleSet) return e;
        return Expect;
    }

    /// The spec path is relative to the scenario file; when there is no such file, relative to
    /// the current directory (scenarios written to stdout and saved by hand).
    public string ResolveSpecPath()
    {
        if (Path.IsPathRooted(SpecPath)) return SpecPath;
        var besides = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(File)) ?? ".", SpecPath);
        if (!System.IO.File.Exists(besides) && System.IO.File.Exists(SpecPath)) return SpecPath;
        var relative = Path.GetRelativePath(".", besides);
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(besides) : relative;
    }
}
