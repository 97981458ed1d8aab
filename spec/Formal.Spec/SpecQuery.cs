using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;

namespace Formal.Spec;

/// A boolean state predicate written outside the spec, with a way to map character offsets of
/// its text to source positions (a YAML scalar's <c>SpanAt</c>, or a command-line flag).
public sealed record QueryText(string Name, string Text, Func<int, SourceSpan> SpanAt)
{
    /// A predicate given as the value of a command-line flag: errors read `--flag:1:col`.
    public static QueryText FromFlag(string flag, string text) => new(flag, text, o => new SourceSpan(flag, 1, o + 1));
}

/// Checks and compiles standalone predicates (graph analyses, scenario assertions) against a
/// spec: they may use everything an invariant may (constants, variables, definitions).
public static class SpecQuery
{
    /// Loads the spec with the predicates checked into <see cref="SpecIr.Queries"/> (in order).
    public static SpecIr? Load(string path, string? config, IReadOnlyList<ConstOverride> overrides, IReadOnlyList<QueryText> queries, DiagnosticBag diags)
    {
        var syn = SpecLoader.Parse(path, diags);
        var asts = queries.Select(q => (q.Name, Parser.ParseExpr(q.Text, q.SpanAt, diags))).ToList();
        return syn is null ? null : Checker.Check(syn, path, config, overrides, diags, asts);
    }
}

/// Evaluates the queries of a compiled spec on packed states; one per thread.
public sealed class QueryEvaluator
{
    private readonly CompiledSpec _spec;
    private readonly Machine _m;

    internal QueryEvaluator(CompiledSpec spec)
    {
        _spec = spec;
        _m = spec.NewMachine();
    }

    public int Count => _spec.Queries.Length;

    /// True when query <paramref name="query"/> holds in the state; a run-time error of the
    /// predicate (e.g. `.value` of none) surfaces as <see cref="EvalError"/>.
    public bool Holds(int query, ReadOnlySpan<ulong> state)
    {
        int w = _spec.Layout.Slots;
        _spec.Layout.Unpack(state, _m.M.AsSpan(w, w));
        Array.Copy(_m.M, w, _m.M, 0, w);
        return _spec.Queries[query](_m) != 0;
    }
}
