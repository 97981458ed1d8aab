using System.Globalization;
using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;

namespace Formal.Spec.Yaml;

/// Turns the YAML tree of a spec file into <see cref="SpecSyntax"/>: checks the shape (known keys
/// with "did you mean", required keys, kinds of nodes) and parses every expression, type and
/// statement with positions that point into the file.
public sealed class SpecReader
{
    private static readonly string[] TopKeys = ["spec", "doc", "constants", "types", "variables", "defs", "procedures", "init", "actions", "invariants", "lemmas", "configs", "options"];
    private static readonly string[] ConstKeys = ["default", "min", "max", "doc"];
    private static readonly string[] PoolKeys = ["pool", "symmetric", "doc"];
    private static readonly string[] EnumKeys = ["enum", "doc"];
    private static readonly string[] RecordKeys = ["record", "doc"];
    private static readonly string[] AliasKeys = ["type", "doc"];
    private static readonly string[] VarKeys = ["type", "doc"];
    private static readonly string[] DefKeys = ["expr", "doc"];
    private static readonly string[] ProcKeys = ["do", "doc"];
    private static readonly string[] ActionKeys = ["params", "guard", "do", "update", "doc"];
    private static readonly string[] InvKeys = ["expr", "doc"];
    private static readonly string[] OptionKeys = ["deadlock", "symmetry"];
    private static readonly string[] IfKeys = ["if", "then", "else"];
    private static readonly string[] ForKeys = ["for", "do"];
    private static readonly string[] StmtKeys = ["if", "for", "either", "update", "require", "assert", "let", "choose", "alloc"];

    private readonly DiagnosticBag _diags;

    private SpecReader(DiagnosticBag diags) => _diags = diags;

    public static SpecSyntax? Read(YNode root, DiagnosticBag diags) => new SpecReader(diags).ReadSpec(root);

    private SpecSyntax? ReadSpec(YNode root)
    {
        if (root is not YMap map)
        {
            _diags.Error(root.Span, $"a spec must be a mapping with the keys {string.Join(", ", TopKeys)}; found {root.KindName}");
            return null;
        }
        CheckKeys(map, TopKeys, "spec");
        string name = "";
        if (map.GetEntry("spec") is { } specEntry) name = Text(specEntry.Value, "the spec name") ?? "";
        else _diags.Error(map.Span, "missing key 'spec' (the spec's name)");
        if (map.Get("variables") is null) _diags.Error(map.Span, "missing key 'variables' (the state variables)");

        var consts = Entries(map, "constants").Select(e => ReadConst(e)).OfType<ConstDecl>().ToList();
        var types = Entries(map, "types").Select(ReadType).OfType<TypeDecl>().ToList();
        var vars = Entries(map, "variables").Select(ReadVar).OfType<VarDecl>().ToList();
        var defs = Entries(map, "defs").Select(ReadDef).OfType<DefDecl>().ToList();
        var procs = Entries(map, "procedures").Select(ReadProc).OfType<ProcDecl>().ToList();
        var init = map.Get("init") is { } initNode ? ReadInit(initNode) : [];
        var actions = Entries(map, "actions").Select(ReadAction).OfType<ActionDecl>().ToList();
        var invs = Entries(map, "invariants").Select(ReadInvariant).OfType<InvariantDecl>().ToList();
        var lemmas = Entries(map, "lemmas").Select(ReadInvariant).OfType<InvariantDecl>().ToList();
        var configs = Entries(map, "configs").Select(ReadConfig).OfType<ConfigDecl>().ToList();
        var options = ReadOptions(map.Get("options"));
        return new SpecSyntax(name, map.Span, DocOf(map), consts, types, vars, defs, procs, init, actions, invs, lemmas, configs, options);
    }

    // ---------------------------------------------------------------- sections

    private ConstDecl? ReadConst(YEntry e)
    {
        var name = NameOf(e.Key, "constant");
        if (e.Value is YMap m)
        {
            CheckKeys(m, ConstKeys, $"constant '{name}'");
            ConstValue? def = m.Get("default") is { } d ? Const(d) : null;
            if (def is null)
            {
                if (m.Get("default") is null) _diags.Error(m.Span, $"constant '{name}' needs a 'default' value");
                return null;
            }
            long? min = m.Get("min") is { } mn ? Const(mn)?.Int : null;
            long? max = m.Get("max") is { } mx ? Const(mx)?.Int : null;
            return new ConstDecl(name, e.Key.Span, def.Value, min, max, DocOf(m));
        }
        var v = Const(e.Value);
        return v is null ? null : new ConstDecl(name, e.Key.Span, v.Value, null, null, null);
    }

    private TypeDecl? ReadType(YEntry e)
    {
        var name = NameOf(e.Key, "type");
        switch (e.Value)
        {
            case YScalar s:
                return new AliasDecl(name, e.Key.Span, null, ParseType(s));
            case YMap m when m.Get("pool") is { } size:
                CheckKeys(m, PoolKeys, $"pool type '{name}'");
                bool sym = m.Get("symmetric") is { } sn && Bool(sn);
                return size is YScalar ss ? new PoolDecl(name, e.Key.Span, DocOf(m), ParseExpr(ss), sym) : Bad<TypeDecl>(size, "the pool size (a constant expression)");
            case YMap m when m.Get("enum") is { } members:
            {
                CheckKeys(m, EnumKeys, $"enum type '{name}'");
                if (members is not YSeq seq || seq.Items.Count == 0)
                    return Bad<TypeDecl>(members, "a non-empty list of enum values");
                var list = new List<(string, SourceSpan)>();
                foreach (var item in seq.Items)
                    if (item is YScalar s && IsIdent(s.Value)) list.Add((s.Value, s.Span));
                    else _diags.Error(item.Span, "enum values must be identifiers");
                return new EnumDecl(name, e.Key.Span, DocOf(m), list);
            }
            case YMap m when m.Get("record") is { } fields:
            {
                CheckKeys(m, RecordKeys, $"record type '{name}'");
                if (fields is not YMap fm) return Bad<TypeDecl>(fields, "a mapping from field names to types");
                var list = new List<(string, SourceSpan, AType)>();
                foreach (var f in fm.Entries)
                    list.Add((NameOf(f.Key, "field"), f.Key.Span, f.Value is YScalar fs ? ParseType(fs) : BadType(f.Value)));
                return new AliasDecl(name, e.Key.Span, DocOf(m), new ATypeRecord(e.Key.Span, list));
            }
            case YMap m when m.Get("type") is { } t:
                CheckKeys(m, AliasKeys, $"type '{name}'");
                return t is YScalar ts ? new AliasDecl(name, e.Key.Span, DocOf(m), ParseType(ts)) : Bad<TypeDecl>(t, "a type");
            case YMap m:
                CheckKeys(m, ["pool", "symmetric", "enum", "record", "type", "doc"], $"type '{name}'");
                _diags.Error(m.Span, $"type '{name}' needs one of 'pool', 'enum', 'record' or 'type'");
                return null;
            default:
                return Bad<TypeDecl>(e.Value, "a type");
        }
    }

    private VarDecl? ReadVar(YEntry e)
    {
        var name = NameOf(e.Key, "variable");
        if (e.Value is YScalar s) return new VarDecl(name, e.Key.Span, ParseType(s), null);
        if (e.Value is YMap m)
        {
            CheckKeys(m, VarKeys, $"variable '{name}'");
            if (m.Get("type") is YScalar ts) return new VarDecl(name, e.Key.Span, ParseType(ts), DocOf(m));
            _diags.Error(m.Span, $"variable '{name}' needs a 'type'");
            return null;
        }
        return Bad<VarDecl>(e.Value, "a type");
    }

    private DefDecl? ReadDef(YEntry e)
    {
        var sig = Parser.ParseSignature(e.Key.Value, e.Key.SpanAt, _diags);
        if (sig is null) return null;
        var ps = sig.Value.Params.Select(p => new ParamDecl(p.Name, p.Span, p.Type)).ToList();
        if (e.Value is YScalar s) return new DefDecl(sig.Value.Name, sig.Value.Span, ps, ParseExpr(s), null);
        if (e.Value is YMap m)
        {
            CheckKeys(m, DefKeys, $"definition '{sig.Value.Name}'");
            if (m.Get("expr") is YScalar es) return new DefDecl(sig.Value.Name, sig.Value.Span, ps, ParseExpr(es), DocOf(m));
            _diags.Error(m.Span, $"definition '{sig.Value.Name}' needs an 'expr'");
            return null;
        }
        return Bad<DefDecl>(e.Value, "an expression");
    }

    private ProcDecl? ReadProc(YEntry e)
    {
        var sig = Parser.ParseSignature(e.Key.Value, e.Key.SpanAt, _diags);
        if (sig is null) return null;
        var ps = sig.Value.Params.Select(p => new ParamDecl(p.Name, p.Span, p.Type)).ToList();
        if (e.Value is YSeq seq) return new ProcDecl(sig.Value.Name, sig.Value.Span, ps, Block(seq), null);
        if (e.Value is YMap m)
        {
            CheckKeys(m, ProcKeys, $"procedure '{sig.Value.Name}'");
            var body = m.Get("do") is { } d ? Block(d) : [];
            return new ProcDecl(sig.Value.Name, sig.Value.Span, ps, body, DocOf(m));
        }
        return Bad<ProcDecl>(e.Value, "a list of statements or a mapping with 'do'");
    }

    private IReadOnlyList<StmtSyntax> ReadInit(YNode node)
    {
        if (node is YMap m) return [Update(m)];
        return Block(node);
    }

    private ActionDecl? ReadAction(YEntry e)
    {
        var name = NameOf(e.Key, "action");
        if (e.Value is not YMap m) return Bad<ActionDecl>(e.Value, $"a mapping with {string.Join(", ", ActionKeys)}");
        CheckKeys(m, ActionKeys, $"action '{name}'");
        var ps = new List<ParamDecl>();
        if (m.Get("params") is { } pn)
        {
            if (pn is YMap pm)
                foreach (var p in pm.Entries)
                    ps.Add(new ParamDecl(NameOf(p.Key, "parameter"), p.Key.Span, p.Value is YScalar pts ? ParseType(pts) : BadType(p.Value)));
            else _diags.Error(pn.Span, "params must be a mapping from parameter names to types");
        }
        var body = new List<StmtSyntax>();
        if (m.Get("guard") is { } g)
        {
            foreach (var c in ExprList(g))
                body.Add(new LineStmt(c.Span, new SRequire(c.Span, c)));
        }
        if (m.Get("do") is { } d) body.AddRange(Block(d));
        if (m.GetEntry("update") is { } u)
        {
            if (u.Value is YMap um) body.Add(Update(um));
            else _diags.Error(u.Value.Span, "update must be a mapping from targets to values");
        }
        if (m.Get("do") is null && m.Get("update") is null && m.Get("guard") is null)
            _diags.Error(m.Span, $"action '{name}' needs 'do' or 'update'");
        return new ActionDecl(name, e.Key.Span, ps, body, DocOf(m));
    }

    private InvariantDecl? ReadInvariant(YEntry e)
    {
        var name = NameOf(e.Key, "invariant");
        if (e.Value is YMap m)
        {
            CheckKeys(m, InvKeys, $"invariant '{name}'");
            if (m.Get("expr") is { } ex) return new InvariantDecl(name, e.Key.Span, ExprList(ex), DocOf(m));
            _diags.Error(m.Span, $"invariant '{name}' needs an 'expr'");
            return null;
        }
        return new InvariantDecl(name, e.Key.Span, ExprList(e.Value), null);
    }

    private ConfigDecl? ReadConfig(YEntry e)
    {
        // Configuration names are labels for --config, not identifiers of the language.
        var name = e.Key.Value;
        if (e.Value is YScalar s0 && s0.IsNull) return new ConfigDecl(name, e.Key.Span, [], null);
        if (e.Value is not YMap m) return Bad<ConfigDecl>(e.Value, "a mapping from constant names to values");
        var values = new List<(string, SourceSpan, ConstValue)>();
        foreach (var v in m.Entries)
        {
            if (v.Key.Value == "doc") continue;
            var c = Const(v.Value);
            if (c is not null) values.Add((v.Key.Value, v.Key.Span, c.Value));
        }
        return new ConfigDecl(name, e.Key.Span, values, DocOf(m));
    }

    private OptionsDecl ReadOptions(YNode? node)
    {
        if (node is null) return new OptionsDecl(false, true);
        if (node is not YMap m)
        {
            _diags.Error(node.Span, "options must be a mapping");
            return new OptionsDecl(false, true);
        }
        CheckKeys(m, OptionKeys, "options");
        bool dl = m.Get("deadlock") is { } d && Bool(d);
        bool sym = m.Get("symmetry") is not { } s || Bool(s);
        return new OptionsDecl(dl, sym);
    }

    // ---------------------------------------------------------------- statements

    private IReadOnlyList<StmtSyntax> Block(YNode node)
    {
        if (node is YScalar s && !s.IsNull) return Stmt(s) is { } one ? [one] : [];
        if (node is YScalar) return [];
        if (node is not YSeq seq)
        {
            _diags.Error(node.Span, $"expected a list of statements; found {node.KindName}");
            return [];
        }
        return seq.Items.Select(Stmt).OfType<StmtSyntax>().ToList();
    }

    private StmtSyntax? Stmt(YNode node)
    {
        if (node is YScalar s)
        {
            var line = Parser.ParseStatement(s.Value, s.SpanAt, _diags);
            return new LineStmt(line.Span, line);
        }
        if (node is not YMap m || m.Entries.Count == 0)
        {
            _diags.Error(node.Span, "expected a statement (text, or a mapping with if/for/either/update/require/assert/let/choose/alloc)");
            return null;
        }
        var first = m.Entries[0].Key;
        switch (first.Value)
        {
            case "if":
            {
                CheckKeys(m, IfKeys, "if statement");
                var cond = m.Get("if") is YScalar cs ? ParseExpr(cs) : BadExpr(m.Get("if")!);
                var then = m.Get("then") is { } t ? Block(t) : Missing<StmtSyntax>(m, "then", "if statement");
                var els = m.Get("else") is { } el ? Block(el) : [];
                return new IfStmt(first.Span, cond, then, els);
            }
            case "for":
            {
                CheckKeys(m, ForKeys, "for statement");
                if (m.Get("for") is not YScalar fs) { BadExpr(m.Get("for")!); return null; }
                var header = Parser.ParseBinderClause(fs.Value, fs.SpanAt, _diags);
                var body = m.Get("do") is { } d ? Block(d) : Missing<StmtSyntax>(m, "do", "for statement");
                return header is { } h ? new ForStmt(first.Span, h.Binder, h.Pred, body) : null;
            }
            case "either":
            {
                CheckKeys(m, ["either"], "either statement");
                if (m.Get("either") is not YSeq branches || branches.Items.Count < 2)
                {
                    _diags.Error(m.Span, "either needs a list of at least two branches (each a list of statements)");
                    return null;
                }
                return new EitherStmt(first.Span, branches.Items.Select(Block).ToList());
            }
            case "update":
            {
                CheckKeys(m, ["update"], "update statement");
                if (m.Get("update") is YMap um) return Update(um);
                _diags.Error(m.Span, "update must be a mapping from targets to values");
                return null;
            }
            case "require" or "assert" or "let" or "choose" or "alloc":
            {
                CheckKeys(m, [first.Value], $"{first.Value} statement");
                if (m.Get(first.Value) is not YScalar body) { BadExpr(m.Get(first.Value)!); return null; }
                // `require: x > 0` is the same as the text `require x > 0`; parse the keyword's
                // argument with positions relative to its own scalar.
                var prefix = first.Value + " ";
                var line = Parser.ParseStatement(prefix + body.Value, o => body.SpanAt(Math.Max(0, o - prefix.Length)), _diags);
                return new LineStmt(first.Span, line);
            }
            default:
                _diags.Error(first.Span, $"unknown statement '{first.Value}'{Suggest.Hint(first.Value, StmtKeys)}");
                return null;
        }
    }

    private UpdateStmt Update(YMap m)
    {
        var list = new List<(Ast, Ast)>();
        foreach (var e in m.Entries)
        {
            var target = ParseExpr(e.Key);
            var value = e.Value is YScalar vs ? ParseExpr(vs) : BadExpr(e.Value);
            list.Add((target, value));
        }
        return new UpdateStmt(m.Span, list);
    }

    // ---------------------------------------------------------------- helpers

    private IEnumerable<YEntry> Entries(YMap map, string key)
    {
        var node = map.Get(key);
        if (node is null || node is YScalar { IsNull: true }) return [];
        if (node is YMap m) return m.Entries;
        _diags.Error(node.Span, $"'{key}' must be a mapping; found {node.KindName}");
        return [];
    }

    private void CheckKeys(YMap m, IReadOnlyList<string> allowed, string what)
    {
        foreach (var e in m.Entries)
            if (!allowed.Contains(e.Key.Value))
                _diags.Error(e.Key.Span, $"unknown field '{e.Key.Value}' in {what}{Suggest.Hint(e.Key.Value, allowed)}; allowed: {string.Join(", ", allowed)}");
    }

    private List<T> Missing<T>(YMap m, string key, string what)
    {
        _diags.Error(m.Span, $"{what} needs '{key}'");
        return [];
    }

    private string NameOf(YScalar key, string what)
    {
        if (!IsIdent(key.Value))
            _diags.Error(key.Span, $"'{key.Value}' is not a valid {what} name (letters, digits and '_', not starting with a digit)");
        else if (Lexer.KeywordNames.Contains(key.Value))
            _diags.Error(key.Span, $"'{key.Value}' is a keyword and cannot be a {what} name");
        return key.Value;
    }

    private static bool IsIdent(string s) =>
        s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');

    private string? Text(YNode node, string what)
    {
        if (node is YScalar s) return s.Value;
        _diags.Error(node.Span, $"expected {what}; found {node.KindName}");
        return null;
    }

    private static string? DocOf(YMap m) => (m.Get("doc") as YScalar)?.Value;

    private ConstValue? Const(YNode node)
    {
        if (node is YScalar s && s.Style == ScalarStyle.Plain)
        {
            if (s.Value is "true" or "false") return ConstValue.OfBool(s.Value == "true");
            if (long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return ConstValue.OfInt(v);
        }
        _diags.Error(node.Span, "expected an integer or boolean constant value");
        return null;
    }

    private bool Bool(YNode node)
    {
        if (node is YScalar { Style: ScalarStyle.Plain } s && s.Value is "true" or "false") return s.Value == "true";
        _diags.Error(node.Span, "expected true or false");
        return false;
    }

    private Ast ParseExpr(YScalar s)
    {
        if (s.IsNull && s.Value == "")
        {
            _diags.Error(s.Span, "expected an expression but the value is empty");
            return new AError(s.Span);
        }
        return Parser.ParseExpr(s.Value, s.SpanAt, _diags);
    }

    private AType ParseType(YScalar s) => Parser.ParseType(s.Value, s.SpanAt, _diags);

    private IReadOnlyList<Ast> ExprList(YNode node)
    {
        if (node is YScalar s) return [ParseExpr(s)];
        if (node is YSeq seq) return seq.Items.Select(i => i is YScalar si ? ParseExpr(si) : BadExpr(i)).ToList();
        return [BadExpr(node)];
    }

    private Ast BadExpr(YNode node)
    {
        _diags.Error(node.Span, $"expected an expression (text); found {node.KindName}");
        return new AError(node.Span);
    }

    private AType BadType(YNode node)
    {
        _diags.Error(node.Span, $"expected a type (text); found {node.KindName}");
        return new ATypeError(node.Span);
    }

    private T? Bad<T>(YNode node, string what) where T : class
    {
        _diags.Error(node.Span, $"expected {what}; found {node.KindName}");
        return null;
    }
}
