namespace Formal.Spec.Syntax;

public enum TokenKind
{
    End, Ident, Int,
    // punctuation
    LParen, RParen, LBracket, RBracket, LBrace, RBrace, Comma, Dot, DotDot, Colon, Assign, Equals,
    Arrow, FatArrow, Iff, Plus, Minus, Star, Slash, Percent, EqEq, NotEq, Lt, Le, Gt, Ge,
    AndAnd, OrOr, Bang,
    // keywords
    And, Or, Not, If, Then, Else, Let, In, NotIn, Forall, Exists, For, Where, With, True, False, None,
    Union, Inter, Diff, SubsetEq, Find, Require, Assert, Choose, Alloc, Skip, Default,
}

public readonly record struct Token(TokenKind Kind, string Text, int Offset, long IntValue = 0)
{
    public override string ToString() => Kind == TokenKind.End ? "end of text" : $"'{Text}'";
}
