using Formal.Spec.Diagnostics;

namespace Formal.Spec.Syntax;

/// Recursive-descent parser for the text inside YAML scalars: expressions, types and one-line
/// statements. Precedence, lowest first: if/let/forall/exists; `<=>`; `=>`; `or`; `and`; `not`;
/// comparisons and `in`/`notin`/`subseteq`; `with`; `..`; `union`/`diff`; `inter`; `+ -`;
/// `* / %`; unary minus; postfix `[k]` and `.f`.
public sealed class Parser
{
    private readonly List<Token> _tokens;
    private readonly Func<int, SourceSpan> _spanAt;
    private readonly DiagnosticBag _diags;
    private int _pos;
    private bool _failed;
    // Inside `let x = VALUE in`, a top-level `in` ends the value instead of testing membership.
    private bool _noIn;

    private Parser(List<Token> tokens, Func<int, SourceSpan> spanAt, DiagnosticBag diags)
    {
        _tokens = tokens;
        _spanAt = spanAt;
        _diags = diags;
    }

    private sealed class ParseAbort : Exception;

    private static T Run<T>(string text, Func<int, SourceSpan> spanAt, DiagnosticBag diags, Func<Parser, T> body, Func<SourceSpan, T> onError)
    {
        var (tokens, lexError) = Lexer.Lex(text);
        if (lexError is { } le)
        {
            diags.Error(spanAt(le.Offset), le.Message);
            return onError(spanAt(le.Offset));
        }
        var p = new Parser(tokens, spanAt, diags);
        try
        {
            var result = body(p);
            if (p.Peek.Kind != TokenKind.End)
                p.Fail($"unexpected {p.Peek} after the end of the {DescribeWhat(result)}");
            return result;
        }
        catch (ParseAbort)
        {
            return onError(spanAt(0));
        }
    }

    private static string DescribeWhat<T>(T r) => r switch
    {
        AType => "type",
        AStmtLine => "statement",
        _ => "expression",
    };

    public static Ast ParseExpr(string text, Func<int, SourceSpan> spanAt, DiagnosticBag diags) =>
        Run<Ast>(text, spanAt, diags, p => p.Expr(), s => new AError(s));

    public static AType ParseType(string text, Func<int, SourceSpan> spanAt, DiagnosticBag diags) =>
        Run<AType>(text, spanAt, diags, p => p.Type(), s => new ATypeError(s));

    public static AStmtLine ParseStatement(string text, Func<int, SourceSpan> spanAt, DiagnosticBag diags) =>
        Run<AStmtLine>(text, spanAt, diags, p => p.Statement(), s => new SError(s));

    /// `x in S [where P]`: the header of a `for:` block.
    public static (ABinder Binder, Ast? Pred)? ParseBinderClause(string text, Func<int, SourceSpan> spanAt, DiagnosticBag diags) =>
        Run<(ABinder, Ast?)?>(text, spanAt, diags, p => p.BinderWhere(), _ => null);

    /// `name(p: T, q: U)` or `name`: the key of a definition or procedure.
    public static (string Name, SourceSpan Span, List<(string Name, SourceSpan Span, AType Type)> Params)? ParseSignature(
        string text, Func<int, SourceSpan> spanAt, DiagnosticBag diags) =>
        Run<(string, SourceSpan, List<(string, SourceSpan, AType)>)?>(text, spanAt, diags, p => p.Signature(), _ => null);

    // ---------------------------------------------------------------- helpers

    private Token Peek => _tokens[_pos];
    private Token PeekAt(int k) => _tokens[Math.Min(_pos + k, _tokens.Count - 1)];
    private SourceSpan SpanOf(Token t) => _spanAt(t.Offset);

    private Token Next() => _tokens[_pos++ < _tokens.Count - 1 ? _pos - 1 : _tokens.Count - 1];

    private bool Accept(TokenKind k)
    {
        if (Peek.Kind != k) return false;
        _pos++;
        return true;
    }

    private Token Expect(TokenKind k, string what)
    {
        if (Peek.Kind != k) Fail($"expected {what} but found {Peek}");
        return Next();
    }

    private void Fail(string message)
    {
        if (!_failed) _diags.Error(SpanOf(Peek), message);
        _failed = true;
        throw new ParseAbort();
    }

    private string Ident(string what)
    {
        if (Peek.Kind != TokenKind.Ident)
        {
            if (Lexer.KeywordNames.Contains(Peek.Text)) Fail($"'{Peek.Text}' is a keyword and cannot be used as {what}");
            Fail($"expected {what} but found {Peek}");
        }
        return Next().Text;
    }

    // ---------------------------------------------------------------- statements

    private AStmtLine Statement()
    {
        var t = Peek;
        var span = SpanOf(t);
        switch (t.Kind)
        {
            case TokenKind.Require: Next(); return new SRequire(span, Expr());
            case TokenKind.Assert: Next(); return new SAssert(span, Expr());
            case TokenKind.Skip: Next(); return new SSkip(span);
            case TokenKind.Let:
            {
                Next();
                var name = Ident("a name");
                Expect(TokenKind.Equals, "'='");
                return new SLet(span, name, Expr());
            }
            case TokenKind.Choose:
            case TokenKind.Alloc:
            {
                Next();
                var (b, pred) = BinderWhere();
                return t.Kind == TokenKind.Choose ? new SChoose(span, b, pred) : new SAlloc(span, b, pred);
            }
        }
        var target = Postfix();
        if (Accept(TokenKind.Assign)) return new SAssign(span, target, Expr());
        if (Peek.Kind == TokenKind.Equals) Fail("use ':=' to assign ('=' is only used in let and with)");
        if (target is ACall call && Peek.Kind == TokenKind.End) return new SCall(span, call.Name, call.Args);
        Fail($"expected a statement: 'target := value', 'require', 'assert', 'let', 'choose', 'alloc', 'skip' or a procedure call");
        return null!;
    }

    private (ABinder, Ast?) BinderWhere()
    {
        var b = Binder();
        Ast? pred = Accept(TokenKind.Where) ? Expr() : null;
        return (b, pred);
    }

    private ABinder Binder()
    {
        var span = SpanOf(Peek);
        var name = Ident("a variable name");
        Expect(TokenKind.In, "'in'");
        return new ABinder(span, name, Domain());
    }

    /// Domains of binders stop before comparisons, so `x in S: P` and `x in S where P` parse.
    private Ast Domain() => RangeLevel();

    private (string, SourceSpan, List<(string, SourceSpan, AType)>)? Signature()
    {
        var span = SpanOf(Peek);
        var name = Ident("a name");
        var ps = new List<(string, SourceSpan, AType)>();
        if (Accept(TokenKind.LParen) && !Accept(TokenKind.RParen))
        {
            do
            {
                var ps0 = SpanOf(Peek);
                var pn = Ident("a parameter name");
                Expect(TokenKind.Colon, "':' and a type");
                ps.Add((pn, ps0, Type()));
            } while (Accept(TokenKind.Comma));
            Expect(TokenKind.RParen, "')'");
        }
        return (name, span, ps);
    }

    // ---------------------------------------------------------------- types

    private AType Type()
    {
        var left = TypePrimary();
        if (Peek.Kind == TokenKind.Arrow)
        {
            var span = SpanOf(Next());
            return new ATypeMap(left.Span, left, Type());
        }
        return left;
    }

    private AType TypePrimary()
    {
        var t = Peek;
        var span = SpanOf(t);
        if (t.Kind == TokenKind.Ident && PeekAt(1).Kind == TokenKind.LParen && t.Text is "set" or "option" or "seq")
        {
            Next(); Next();
            var inner = Type();
            AType result;
            if (t.Text == "seq")
            {
                Expect(TokenKind.Comma, "',' and the maximum length");
                result = new ATypeSeq(span, inner, Expr());
            }
            else result = t.Text == "set" ? new ATypeSet(span, inner) : new ATypeOption(span, inner);
            Expect(TokenKind.RParen, "')'");
            return result;
        }
        if (t.Kind == TokenKind.LBrace)
        {
            Next();
            var fields = new List<(string, SourceSpan, AType)>();
            if (!Accept(TokenKind.RBrace))
            {
                do
                {
                    var fs = SpanOf(Peek);
                    var fn = Ident("a field name");
                    Expect(TokenKind.Colon, "':'");
                    fields.Add((fn, fs, Type()));
                } while (Accept(TokenKind.Comma));
                Expect(TokenKind.RBrace, "'}'");
            }
            return new ATypeRecord(span, fields);
        }
        if (t.Kind == TokenKind.LParen && !LooksLikeExprParen())
        {
            Next();
            var inner = Type();
            Expect(TokenKind.RParen, "')'");
            return inner;
        }
        // A name, or a range `lo..hi` whose bounds are constant expressions.
        var e = Additive();
        if (Accept(TokenKind.DotDot)) return new ATypeRange(span, e, Additive());
        if (e is AName n) return new ATypeName(span, n.Name);
        Fail("expected a type: bool, a range lo..hi, a type name, set(T), option(T), seq(T, n), K -> V or {field: T, ...}");
        return null!;
    }

    private bool LooksLikeExprParen()
    {
        // `(N-1)..M` is a range; `(Vma -> Rec)` is a parenthesised type.
        int depth = 0;
        for (int k = _pos; k < _tokens.Count; k++)
        {
            var kind = _tokens[k].Kind;
            if (kind == TokenKind.LParen) depth++;
            else if (kind == TokenKind.RParen && --depth == 0)
                return _tokens[Math.Min(k + 1, _tokens.Count - 1)].Kind == TokenKind.DotDot;
        }
        return false;
    }

    // ---------------------------------------------------------------- expressions

    private Ast Expr()
    {
        var t = Peek;
        var span = SpanOf(t);
        switch (t.Kind)
        {
            case TokenKind.If:
            {
                Next();
                var c = Expr();
                Expect(TokenKind.Then, "'then'");
                var a = Expr();
                Expect(TokenKind.Else, "'else' (every if needs an else in an expression)");
                return new AIf(span, c, a, Expr());
            }
            case TokenKind.Let:
            {
                Next();
                var name = Ident("a name");
                Expect(TokenKind.Equals, "'='");
                bool saved = _noIn;
                _noIn = true;
                var v = Expr();
                _noIn = saved;
                Expect(TokenKind.In, "'in' after the value of let");
                return new ALet(span, name, v, Expr());
            }
            case TokenKind.Forall:
            case TokenKind.Exists:
            {
                Next();
                var binders = new List<ABinder>();
                do
                {
                    // `forall x, y in S: P` shares one domain between x and y.
                    var names = new List<(string, SourceSpan)> { (Ident("a variable name"), SpanOf(_tokens[_pos - 1])) };
                    while (Peek.Kind == TokenKind.Comma && PeekAt(1).Kind == TokenKind.Ident && PeekAt(2).Kind is TokenKind.Comma or TokenKind.In)
                    {
                        Next();
                        names.Add((Ident("a variable name"), SpanOf(_tokens[_pos - 1])));
                    }
                    Expect(TokenKind.In, "'in'");
                    var dom = Domain();
                    foreach (var (n, s) in names) binders.Add(new ABinder(s, n, dom));
                } while (Accept(TokenKind.Comma));
                Expect(TokenKind.Colon, "':' before the quantifier's body");
                return new AQuant(span, t.Kind == TokenKind.Forall, binders, Expr());
            }
        }
        return Iff();
    }

    private Ast Iff()
    {
        var left = Implies();
        if (Peek.Kind == TokenKind.Iff)
        {
            var span = SpanOf(Next());
            return new ABinary(left.Span, BinOp.Iff, left, Implies());
        }
        return left;
    }

    private Ast Implies()
    {
        var left = Or();
        if (Peek.Kind == TokenKind.FatArrow)
        {
            Next();
            return new ABinary(left.Span, BinOp.Implies, left, ExprOrImplies());
        }
        return left;
    }

    // The right side of `=>` may itself be a quantifier or if-expression.
    private Ast ExprOrImplies() => Peek.Kind is TokenKind.Forall or TokenKind.Exists or TokenKind.If or TokenKind.Let ? Expr() : Implies();

    private Ast Or()
    {
        var left = And();
        while (Peek.Kind is TokenKind.Or or TokenKind.OrOr)
        {
            Next();
            var right = Peek.Kind is TokenKind.Forall or TokenKind.Exists ? Expr() : And();
            left = new ABinary(left.Span, BinOp.Or, left, right);
        }
        return left;
    }

    private Ast And()
    {
        var left = NotLevel();
        while (Peek.Kind is TokenKind.And or TokenKind.AndAnd)
        {
            Next();
            var right = Peek.Kind is TokenKind.Forall or TokenKind.Exists ? Expr() : NotLevel();
            left = new ABinary(left.Span, BinOp.And, left, right);
        }
        return left;
    }

    private Ast NotLevel()
    {
        if (Peek.Kind is TokenKind.Not or TokenKind.Bang)
        {
            var span = SpanOf(Next());
            var operand = Peek.Kind is TokenKind.Forall or TokenKind.Exists ? Expr() : NotLevel();
            return new AUnary(span, UnOp.Not, operand);
        }
        return Comparison();
    }

    private Ast Comparison()
    {
        var left = WithLevel();
        BinOp? op = Peek.Kind switch
        {
            TokenKind.EqEq => BinOp.Eq, TokenKind.NotEq => BinOp.Ne, TokenKind.Lt => BinOp.Lt,
            TokenKind.Le => BinOp.Le, TokenKind.Gt => BinOp.Gt, TokenKind.Ge => BinOp.Ge,
            TokenKind.In when !_noIn => BinOp.In, TokenKind.NotIn => BinOp.NotIn, TokenKind.SubsetEq => BinOp.SubsetEq,
            _ => null,
        };
        if (op is null)
        {
            if (Peek.Kind == TokenKind.Equals) Fail("use '==' to compare ('=' is only used in let and with)");
            if (Peek.Kind == TokenKind.Not && PeekAt(1).Kind == TokenKind.In) Fail("write 'notin' (one word) for 'not in'");
            return left;
        }
        Next();
        var right = WithLevel();
        if (Peek.Kind is TokenKind.EqEq or TokenKind.NotEq or TokenKind.Lt or TokenKind.Le or TokenKind.Gt or TokenKind.Ge)
            Fail("comparisons do not chain; combine them with 'and'");
        return new ABinary(left.Span, op.Value, left, right);
    }

    private Ast WithLevel()
    {
        var target = RangeLevel();
        while (Peek.Kind == TokenKind.With)
        {
            var span = SpanOf(Next());
            var path = new List<APathStep>();
            do
            {
                var ps = SpanOf(Peek);
                if (Accept(TokenKind.LBracket))
                {
                    path.Add(new APathStep(ps, Expr(), null));
                    Expect(TokenKind.RBracket, "']'");
                }
                else if (Accept(TokenKind.Dot)) path.Add(new APathStep(ps, null, Ident("a field name")));
                else Fail("expected '[key]' or '.field' after 'with'");
            } while (Peek.Kind is TokenKind.LBracket or TokenKind.Dot);
            Expect(TokenKind.Equals, "'=' and the new value");
            target = new AWith(target.Span, target, path, RangeLevel());
        }
        return target;
    }

    private Ast RangeLevel()
    {
        var left = SetLevel();
        if (Peek.Kind == TokenKind.DotDot)
        {
            Next();
            return new ARange(left.Span, left, SetLevel());
        }
        return left;
    }

    private Ast SetLevel()
    {
        var left = InterLevel();
        while (Peek.Kind is TokenKind.Union or TokenKind.Diff)
        {
            var op = Next().Kind == TokenKind.Union ? BinOp.Union : BinOp.Diff;
            left = new ABinary(left.Span, op, left, InterLevel());
        }
        return left;
    }

    private Ast InterLevel()
    {
        var left = Additive();
        while (Accept(TokenKind.Inter)) left = new ABinary(left.Span, BinOp.Inter, left, Additive());
        return left;
    }

    private Ast Additive()
    {
        var left = Multiplicative();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Next().Kind == TokenKind.Plus ? BinOp.Add : BinOp.Sub;
            left = new ABinary(left.Span, op, left, Multiplicative());
        }
        return left;
    }

    private Ast Multiplicative()
    {
        var left = Unary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash or TokenKind.Percent)
        {
            var op = Next().Kind switch { TokenKind.Star => BinOp.Mul, TokenKind.Slash => BinOp.Div, _ => BinOp.Mod };
            left = new ABinary(left.Span, op, left, Unary());
        }
        return left;
    }

    private Ast Unary()
    {
        if (Peek.Kind == TokenKind.Minus)
        {
            var span = SpanOf(Next());
            var operand = Unary();
            return operand is AInt i ? new AInt(span, -i.Value) : new AUnary(span, UnOp.Neg, operand);
        }
        return Postfix();
    }

    private Ast Postfix()
    {
        var e = Primary();
        while (true)
        {
            if (Peek.Kind == TokenKind.LBracket)
            {
                Next();
                var key = Nested(Expr);
                Expect(TokenKind.RBracket, "']'");
                e = new AIndex(e.Span, e, key);
            }
            else if (Peek.Kind == TokenKind.Dot)
            {
                Next();
                e = new AField(e.Span, e, Ident("a field name"));
            }
            else return e;
        }
    }

    private Ast Primary()
    {
        var t = Peek;
        var span = SpanOf(t);
        switch (t.Kind)
        {
            case TokenKind.Int: Next(); return new AInt(span, t.IntValue);
            case TokenKind.True: Next(); return new ABool(span, true);
            case TokenKind.False: Next(); return new ABool(span, false);
            case TokenKind.None: Next(); return new ANone(span);
            case TokenKind.Default: Next(); return new ADefault(span);
            case TokenKind.LParen:
            {
                Next();
                var e = Nested(Expr);
                Expect(TokenKind.RParen, "')'");
                return e;
            }
            case TokenKind.Find:
            {
                Next();
                var b = Binder();
                Expect(TokenKind.Where, "'where' and a condition");
                return new AFind(span, b, Expr());
            }
            case TokenKind.Ident:
            {
                Next();
                if (Peek.Kind == TokenKind.LParen)
                {
                    Next();
                    var args = new List<Ast>();
                    if (!Accept(TokenKind.RParen))
                    {
                        do args.Add(Nested(Expr)); while (Accept(TokenKind.Comma));
                        Expect(TokenKind.RParen, "')'");
                    }
                    return new ACall(span, t.Text, args);
                }
                return new AName(span, t.Text);
            }
            case TokenKind.LBrace: return Nested(Braces);
            case TokenKind.LBracket: return Nested(Brackets);
            case TokenKind.End: Fail("expected an expression but the text ended"); break;
        }
        if (Lexer.KeywordNames.Contains(t.Text) && t.Kind is not (TokenKind.Not or TokenKind.If))
            Fail($"unexpected keyword '{t.Text}'; expected an expression");
        Fail($"expected an expression but found {t}");
        return null!;
    }

    private T Nested<T>(Func<T> parse)
    {
        bool saved = _noIn;
        _noIn = false;
        try { return parse(); }
        finally { _noIn = saved; }
    }

    private bool BinderAhead => Peek.Kind == TokenKind.Ident && PeekAt(1).Kind == TokenKind.In;

    private Ast Braces()
    {
        var span = SpanOf(Next());
        if (Accept(TokenKind.RBrace)) return new ASetLit(span, []);
        if (Peek.Kind == TokenKind.Ident && PeekAt(1).Kind == TokenKind.Colon)
        {
            var fields = new List<(string, SourceSpan, Ast)>();
            do
            {
                var fs = SpanOf(Peek);
                var name = Ident("a field name");
                Expect(TokenKind.Colon, "':'");
                fields.Add((name, fs, Expr()));
            } while (Accept(TokenKind.Comma));
            Expect(TokenKind.RBrace, "'}'");
            return new ARecordLit(span, fields);
        }
        if (BinderAhead)
        {
            int save = _pos;
            var b = Binder();
            if (Accept(TokenKind.Where))
            {
                var pred = Expr();
                Expect(TokenKind.RBrace, "'}'");
                return new ASetFilter(span, b, pred);
            }
            _pos = save; // `{x in S}`: a set holding one boolean
        }
        var first = Expr();
        if (Accept(TokenKind.For))
        {
            var b = Binder();
            Ast? pred = Accept(TokenKind.Where) ? Expr() : null;
            Expect(TokenKind.RBrace, "'}'");
            return new ASetMap(span, first, b, pred);
        }
        var items = new List<Ast> { first };
        while (Accept(TokenKind.Comma)) items.Add(Expr());
        Expect(TokenKind.RBrace, "'}' or ','");
        return new ASetLit(span, items);
    }

    private Ast Brackets()
    {
        var span = SpanOf(Next());
        if (Accept(TokenKind.RBracket)) return new ASeqLit(span, []);
        if (BinderAhead)
        {
            int save = _pos;
            var b = Binder();
            if (Accept(TokenKind.Arrow))
            {
                var body = Expr();
                Expect(TokenKind.RBracket, "']'");
                return new AMapComp(span, b, body);
            }
            _pos = save;
        }
        var items = new List<Ast> { Expr() };
        while (Accept(TokenKind.Comma)) items.Add(Expr());
        Expect(TokenKind.RBracket, "']' or ','");
        return new ASeqLit(span, items);
    }
}
