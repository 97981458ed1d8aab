namespace Formal.Spec.Syntax;

/// Splits an expression string (the value of a YAML scalar) into tokens with character offsets.
public static class Lexer
{
    private static readonly Dictionary<string, TokenKind> Keywords = new(StringComparer.Ordinal)
    {
        ["and"] = TokenKind.And, ["or"] = TokenKind.Or, ["not"] = TokenKind.Not, ["if"] = TokenKind.If,
        ["then"] = TokenKind.Then, ["else"] = TokenKind.Else, ["let"] = TokenKind.Let, ["in"] = TokenKind.In,
        ["notin"] = TokenKind.NotIn, ["forall"] = TokenKind.Forall, ["exists"] = TokenKind.Exists,
        ["for"] = TokenKind.For, ["where"] = TokenKind.Where, ["with"] = TokenKind.With,
        ["true"] = TokenKind.True, ["false"] = TokenKind.False, ["none"] = TokenKind.None,
        ["union"] = TokenKind.Union, ["inter"] = TokenKind.Inter, ["diff"] = TokenKind.Diff,
        ["subseteq"] = TokenKind.SubsetEq, ["find"] = TokenKind.Find, ["require"] = TokenKind.Require,
        ["assert"] = TokenKind.Assert, ["choose"] = TokenKind.Choose, ["alloc"] = TokenKind.Alloc,
        ["skip"] = TokenKind.Skip, ["default"] = TokenKind.Default,
    };

    public static IReadOnlySet<string> KeywordNames { get; } = new HashSet<string>(Keywords.Keys, StringComparer.Ordinal);

    /// Returns the tokens, or the offset and message of the first lexical error.
    public static (List<Token> Tokens, (int Offset, string Message)? Error) Lex(string text)
    {
        var list = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '#') { while (i < text.Length && text[i] != '\n') i++; continue; }
            int start = i;
            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                var word = text[start..i];
                list.Add(new Token(Keywords.TryGetValue(word, out var kw) ? kw : TokenKind.Ident, word, start));
                continue;
            }
            if (char.IsDigit(c))
            {
                while (i < text.Length && char.IsDigit(text[i])) i++;
                if (i < text.Length && (char.IsLetter(text[i]) || text[i] == '_'))
                    return (list, (i, $"unexpected character '{text[i]}' after number"));
                var digits = text[start..i];
                if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) || v > int.MaxValue)
                    return (list, (start, $"number {digits} is too large"));
                list.Add(new Token(TokenKind.Int, digits, start, v));
                continue;
            }
            TokenKind kind;
            string two = i + 1 < text.Length ? text.Substring(i, 2) : "";
            string three = i + 2 < text.Length ? text.Substring(i, 3) : "";
            if (three == "<=>") { kind = TokenKind.Iff; i += 3; }
            else
            {
                switch (two)
                {
                    case "..": kind = TokenKind.DotDot; i += 2; break;
                    case ":=": kind = TokenKind.Assign; i += 2; break;
                    case "->": kind = TokenKind.Arrow; i += 2; break;
                    case "=>": kind = TokenKind.FatArrow; i += 2; break;
                    case "==": kind = TokenKind.EqEq; i += 2; break;
                    case "!=": kind = TokenKind.NotEq; i += 2; break;
                    case "<=": kind = TokenKind.Le; i += 2; break;
                    case ">=": kind = TokenKind.Ge; i += 2; break;
                    case "&&": kind = TokenKind.AndAnd; i += 2; break;
                    case "||": kind = TokenKind.OrOr; i += 2; break;
                    default:
                        kind = c switch
                        {
                            '(' => TokenKind.LParen, ')' => TokenKind.RParen, '[' => TokenKind.LBracket,
                            ']' => TokenKind.RBracket, '{' => TokenKind.LBrace, '}' => TokenKind.RBrace,
                            ',' => TokenKind.Comma, '.' => TokenKind.Dot, ':' => TokenKind.Colon,
                            '=' => TokenKind.Equals, '+' => TokenKind.Plus, '-' => TokenKind.Minus,
                            '*' => TokenKind.Star, '/' => TokenKind.Slash, '%' => TokenKind.Percent,
                            '<' => TokenKind.Lt, '>' => TokenKind.Gt, '!' => TokenKind.Bang,
                            _ => TokenKind.End,
                        };
                        if (kind == TokenKind.End)
                            return (list, (i, $"unexpected character '{c}'"));
                        i++;
                        break;
                }
            }
            list.Add(new Token(kind, text[start..i], start));
        }
        list.Add(new Token(TokenKind.End, "", text.Length));
        return (list, null);
    }
}
