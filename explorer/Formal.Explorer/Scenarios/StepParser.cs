using Formal.Spec.Diagnostics;
using Formal.Spec.Types;
using Formal.Spec.Yaml;

namespace Formal.Explorer.Scenarios;

/// Parses one step, `Action`, `Action(p=v, q=w)` or `Action(p=v) choosing c=x, d=y` (the
/// spelling of <see cref="Formal.Spec.Runtime.StepLabel.Show"/>), and `init` lines
/// (`choosing c=x`), reporting errors at the offending character of the YAML scalar.
public static class StepParser
{
    private const string Choosing = "choosing";

    public static ScenarioStep? Parse(YScalar s, DiagnosticBag diags, bool isInit)
    {
        var text = s.Value;
        int pos = 0;
        int errors = diags.Items.Count;
        SkipSpace(text, ref pos);
        string action = "init";
        var ps = new List<ScenarioArg>();
        EquatableArray<ScenarioArg>? choices = null;
        if (!isInit)
        {
            int start = pos;
            action = Word(text, ref pos);
            if (action.Length == 0 || !char.IsLetter(action[0]) && action[0] != '_')
            {
                diags.Error(s.SpanAt(start), $"a step starts with an action name: 'Action' or 'Action(p=v, ...)'{(text.Trim().Length == 0 ? " (the step is empty)" : "")}");
                return null;
            }
            SkipSpace(text, ref pos);
            if (pos < text.Length && text[pos] == '(')
            {
                pos++;
                if (!Args(s, text, ref pos, ')', ps, diags, unique: true)) return null;
            }
            SkipSpace(text, ref pos);
        }
        if (pos < text.Length)
        {
            int at = pos;
            if (Word(text, ref pos) != Choosing)
            {
                diags.Error(s.SpanAt(at), isInit
                    ? "'init' is written 'choosing NAME=VALUE, ...'"
                    : $"unexpected text after the step; expected '{Choosing} NAME=VALUE, ...' or the end");
                return null;
            }
            var cs = new List<ScenarioArg>();
            if (!Args(s, text, ref pos, '\0', cs, diags, unique: false)) return null;
            choices = EquatableArray<ScenarioArg>.From(cs);
        }
        else if (isInit) choices = EquatableArray<ScenarioArg>.From([]);
        if (diags.Items.Count > errors) return null;
        return new ScenarioStep(s.Span, action, EquatableArray<ScenarioArg>.From(ps), choices);
    }

    /// `name=value, ...` up to <paramref name="close"/> ('\0': the end of the text). Choice
    /// names may repeat (a choice inside a loop is made once per iteration); parameters may not.
    private static bool Args(YScalar s, string text, ref int pos, char close, List<ScenarioArg> into, DiagnosticBag diags, bool unique)
    {
        while (true)
        {
            SkipSpace(text, ref pos);
            if (close != '\0' && pos < text.Length && text[pos] == close && into.Count == 0) { pos++; return true; }
            int nameAt = pos;
            var name = Word(text, ref pos);
            if (name.Length == 0)
            {
                diags.Error(s.SpanAt(nameAt), "expected NAME=VALUE");
                return false;
            }
            SkipSpace(text, ref pos);
            if (pos >= text.Length || text[pos] != '=')
            {
                diags.Error(s.SpanAt(Math.Min(pos, Math.Max(0, text.Length - 1))), $"expected '=' after '{name}' (arguments are written NAME=VALUE)");
                return false;
            }
            pos++;
            SkipSpace(text, ref pos);
            int valueAt = pos;
            var value = Word(text, ref pos);
            if (value.Length == 0)
            {
                diags.Error(s.SpanAt(Math.Min(pos, Math.Max(0, text.Length - 1))), $"expected a value for '{name}'");
                return false;
            }
            if (unique && into.Any(a => a.Name == name))
            {
                diags.Error(s.SpanAt(nameAt), $"'{name}' is given twice");
                return false;
            }
            into.Add(new ScenarioArg(name, s.SpanAt(nameAt), value, s.SpanAt(valueAt)));
            SkipSpace(text, ref pos);
            if (pos < text.Length && text[pos] == ',') { pos++; continue; }
            if (close == '\0')
            {
                if (pos >= text.Length) return true;
                diags.Error(s.SpanAt(pos), "expected ',' or the end of the step");
                return false;
            }
            if (pos < text.Length && text[pos] == close) { pos++; return true; }
            diags.Error(s.SpanAt(Math.Min(pos, Math.Max(0, text.Length - 1))), $"expected ',' or '{close}'");
            return false;
        }
    }

    /// Names and values: letters, digits, '_', '@' and a leading '-'.
    private static string Word(string text, ref int pos)
    {
        int start = pos;
        if (pos < text.Length && text[pos] == '-') pos++;
        while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] is '_' or '@')) pos++;
        return text[start..pos];
    }

    private static void SkipSpace(string text, ref int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
    }
}
