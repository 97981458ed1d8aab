using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Checking;

/// Where a constant's value came from: the spec's default, a named configuration, or the
/// command line (`--const NAME=VALUE`).
public sealed record ConstOverride(string Name, ConstValue Value, SourceSpan Span);

/// Binds constants (default, then configuration, then overrides) and checks every declaration
/// into a <see cref="SpecIr"/>. All errors are collected; null is returned when there are any.
public static class Checker
{
    public const string CommandLine = "command line";

    public static SpecIr? Check(SpecSyntax syn, string file, string? configName, IReadOnlyList<ConstOverride> overrides, DiagnosticBag diags)
    {
        var constants = BindConstants(syn, configName, overrides, diags, out var usedConfig);
        CheckUniqueNames(syn, diags);

        var consts = new ConstEval(constants, diags);
        var types = new TypeResolver(syn.Types, consts, diags);
        var enumMembers = new Dictionary<string, (EnumTy, int)>(StringComparer.Ordinal);
        foreach (var e in syn.Types.OfType<EnumDecl>())
        {
            if (types.Named(e.Name, e.Span) is not EnumTy et) continue;
            for (int i = 0; i < e.Members.Count; i++)
                if (!enumMembers.TryAdd(e.Members[i].Name, (et, i)))
                    diags.Error(e.Members[i].Span, $"enum value '{e.Members[i].Name}' is defined twice");
        }
        foreach (var t in syn.Types) types.Named(t.Name, t.Span);

        var vars = new Dictionary<string, VarIr>(StringComparer.Ordinal);
        foreach (var v in syn.Variables)
        {
            var ty = types.Resolve(v.Type);
            if (TypeResolver.StorageProblem(ty) is { } problem) diags.Error(v.Type.Span, $"variable '{v.Name}': {problem}");
            if (!vars.ContainsKey(v.Name)) vars[v.Name] = new VarIr(vars.Count, v.Name, ty, v.Span, v.Doc);
        }

        var env = new Env
        {
            Constants = constants,
            Types = types,
            EnumMembers = enumMembers,
            Vars = vars,
            DefDecls = syn.Defs.GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            ProcDecls = syn.Procedures.GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            Diags = diags,
        };
        var exprs = new ExprChecker(env);
        var stmts = new StmtChecker(env, exprs);

        foreach (var d in syn.Defs) exprs.Def(d.Name, d.Span);

        var init = stmts.Block(syn.Init, Scope.Empty, Mode.Init);

        var actions = new List<ActionIr>();
        foreach (var a in syn.Actions)
        {
            var scope = Scope.Empty;
            var ps = new List<LocalVar>();
            foreach (var p in a.Params)
            {
                var pty = exprs.ParamType(p);
                if (pty is not ErrorTy && TypeOps.DomainSize(pty) < 0)
                    diags.Error(p.Span, $"parameter '{p.Name}' must range over a finite type (bool, a range, an enum or a pool), not {pty.Show()}");
                var local = exprs.Bind(p.Name, pty, p.Span, scope);
                ps.Add(local);
                scope = scope.With(local);
            }
            var body = stmts.Block(a.Body, scope, Mode.Action);
            actions.Add(new ActionIr(actions.Count, a.Name, a.Span, EquatableArray<LocalVar>.From(ps), body, a.Doc));
        }
        if (syn.Actions.Count == 0) diags.Warning(syn.Span, "the spec has no actions: only the initial states are checked");

        var invariants = new List<InvariantIr>();
        var lemmas = new List<InvariantIr>();
        foreach (var (inv, isLemma) in syn.Invariants.Select(i => (i, false)).Concat(syn.Lemmas.Select(l => (l, true))))
        {
            var conj = new List<ConjunctIr>();
            foreach (var c in inv.Conjuncts.SelectMany(Conjuncts))
            {
                var e = exprs.Check(c, Scope.Empty, Mode.Read, BoolTy.Instance);
                if (!TypeOps.IsBool(e.Type)) diags.Error(c.Span, $"an invariant must be a boolean, not {e.Type.Show()}");
                conj.Add(new ConjunctIr(e, AstPrinter.Print(c)));
            }
            var list = isLemma ? lemmas : invariants;
            list.Add(new InvariantIr(list.Count, inv.Name, inv.Span, EquatableArray<ConjunctIr>.From(conj), inv.Doc, isLemma));
        }

        if (diags.HasErrors) return null;
        var allTypes = syn.Types.Select(t => types.Named(t.Name, t.Span)).OfType<Ty>().ToList();
        return new SpecIr(
            syn.Name, file, usedConfig ?? "",
            EquatableArray<(string, ConstValue)>.From(syn.Constants.Select(c => (c.Name, constants[c.Name]))),
            EquatableArray<Ty>.From(allTypes),
            EquatableArray<VarIr>.From(vars.Values.OrderBy(v => v.Index)),
            init,
            EquatableArray<ActionIr>.From(actions),
            EquatableArray<InvariantIr>.From(invariants),
            EquatableArray<InvariantIr>.From(lemmas),
            syn.Options.Deadlock,
            syn.Options.Symmetry,
            env.NextLocalId);
    }

    /// Top-level `and` chains are split so a violation names the conjunct that failed.
    private static IEnumerable<Ast> Conjuncts(Ast e) =>
        e is ABinary { Op: BinOp.And } b ? Conjuncts(b.Left).Concat(Conjuncts(b.Right)) : [e];

    private static Dictionary<string, ConstValue> BindConstants(SpecSyntax syn, string? configName, IReadOnlyList<ConstOverride> overrides, DiagnosticBag diags, out string? used)
    {
        var values = new Dictionary<string, ConstValue>(StringComparer.Ordinal);
        var decls = new Dictionary<string, ConstDecl>(StringComparer.Ordinal);
        foreach (var c in syn.Constants)
        {
            decls[c.Name] = c;
            values[c.Name] = c.Default;
        }
        used = null;
        ConfigDecl? config = null;
        if (configName is not null)
        {
            config = syn.Configs.FirstOrDefault(c => c.Name == configName);
            if (config is null)
            {
                var names = syn.Configs.Select(c => c.Name).ToList();
                diags.Error(new SourceSpan(CommandLine, 0, 0),
                    $"--config {configName}: no such configuration in {Path.GetFileName(syn.Span.File)}{Suggest.Hint(configName, names)}" +
                    (names.Count > 0 ? $"; available: {string.Join(", ", names)}" : "; the spec defines no configurations"));
            }
        }
        else config = syn.Configs.FirstOrDefault(c => c.Name == "default");
        if (config is not null)
        {
            used = config.Name;
            foreach (var (name, span, value) in config.Values)
                Set(name, span, value, $"configuration '{config.Name}'");
        }
        foreach (var o in overrides) Set(o.Name, o.Span, o.Value, "--const");
        return values;

        void Set(string name, SourceSpan span, ConstValue value, string where)
        {
            if (!decls.TryGetValue(name, out var decl))
            {
                diags.Error(span, $"{where} sets '{name}', which is not a constant{Suggest.Hint(name, decls.Keys)}");
                return;
            }
            if (decl.Default.IsBool != value.IsBool)
            {
                diags.Error(span, $"constant '{name}' is {(decl.Default.IsBool ? "a boolean" : "an integer")}; {where} gives {value}");
                return;
            }
            if ((decl.Min is { } lo && value.Int < lo) || (decl.Max is { } hi && value.Int > hi))
            {
                diags.Error(span, $"constant '{name}' = {value} is out of its range {decl.Min?.ToString() ?? "-inf"}..{decl.Max?.ToString() ?? "inf"}");
                return;
            }
            values[name] = value;
        }
    }

    private static void CheckUniqueNames(SpecSyntax syn, DiagnosticBag diags)
    {
        var seen = new Dictionary<string, (string Kind, SourceSpan Span)>(StringComparer.Ordinal);
        void Add(string name, string kind, SourceSpan span)
        {
            if (name is "bool" or "int" or "set" or "option" or "seq")
            {
                diags.Error(span, $"'{name}' is a built-in type name and cannot be used for a {kind}");
                return;
            }
            if (seen.TryGetValue(name, out var first))
                diags.Error(span, $"{kind} '{name}' clashes with the {first.Kind} of the same name at line {first.Span.Line}");
            else seen[name] = (kind, span);
        }
        foreach (var c in syn.Constants) Add(c.Name, "constant", c.Span);
        foreach (var t in syn.Types)
        {
            Add(t.Name, "type", t.Span);
            if (t is EnumDecl e) foreach (var m in e.Members) Add(m.Name, "enum value", m.Span);
        }
        foreach (var v in syn.Variables) Add(v.Name, "variable", v.Span);
        foreach (var d in syn.Defs)
        {
            if (d.Name is "card" or "len" or "head" or "last" or "tail" or "append" or "min" or "max" or "some" or "old")
                diags.Error(d.Span, $"definition '{d.Name}' has the name of a built-in function; choose another name");
            Add(d.Name, "definition", d.Span);
        }
        foreach (var p in syn.Procedures) Add(p.Name, "procedure", p.Span);
        var actions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in syn.Actions)
            if (!actions.Add(a.Name)) diags.Error(a.Span, $"action '{a.Name}' is defined twice");
        var invs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in syn.Invariants.Concat(syn.Lemmas))
            if (!invs.Add(i.Name)) diags.Error(i.Span, $"invariant or lemma '{i.Name}' is defined twice");
    }
}
