using System.Text;

namespace Formal.Spec.Syntax;

/// Prints expressions back as text (for conjunct names, assertion messages and traces).
public static class AstPrinter
{
    public static string Print(Ast e)
    {
        var sb = new StringBuilder();
        Write(sb, e, 0);
        return sb.ToString();
    }

    private static int Prec(BinOp op) => op switch
    {
        BinOp.Iff => 1, BinOp.Implies => 2, BinOp.Or => 3, BinOp.And => 4,
        BinOp.Eq or BinOp.Ne or BinOp.Lt or BinOp.Le or BinOp.Gt or BinOp.Ge or BinOp.In or BinOp.NotIn or BinOp.SubsetEq => 6,
        BinOp.Union or BinOp.Diff => 8, BinOp.Inter => 9, BinOp.Add or BinOp.Sub => 10, _ => 11,
    };

    public static string OpText(BinOp op) => op switch
    {
        BinOp.Add => "+", BinOp.Sub => "-", BinOp.Mul => "*", BinOp.Div => "/", BinOp.Mod => "%",
        BinOp.Eq => "==", BinOp.Ne => "!=", BinOp.Lt => "<", BinOp.Le => "<=", BinOp.Gt => ">", BinOp.Ge => ">=",
        BinOp.And => "and", BinOp.Or => "or", BinOp.Implies => "=>", BinOp.Iff => "<=>",
        BinOp.In => "in", BinOp.NotIn => "notin", BinOp.SubsetEq => "subseteq",
        BinOp.Union => "union", BinOp.Inter => "inter", _ => "diff",
    };

    private static void Write(StringBuilder sb, Ast e, int outer)
    {
        switch (e)
        {
            case AName n: sb.Append(n.Name); break;
            case AInt i: sb.Append(i.Value); break;
            case ABool b: sb.Append(b.Value ? "true" : "false"); break;
            case ANone: sb.Append("none"); break;
            case ADefault: sb.Append("default"); break;
            case AUnary u:
                sb.Append(u.Op == UnOp.Neg ? "-" : "not ");
                Write(sb, u.Operand, 12);
                break;
            case ABinary b:
            {
                int p = Prec(b.Op);
                if (p < outer) sb.Append('(');
                Write(sb, b.Left, p + (b.Op is BinOp.Implies ? 1 : 0));
                sb.Append(' ').Append(OpText(b.Op)).Append(' ');
                Write(sb, b.Right, p + (b.Op is BinOp.Implies ? 0 : 1));
                if (p < outer) sb.Append(')');
                break;
            }
            case AIf f:
                Paren(sb, outer > 0, () =>
                {
                    sb.Append("if "); Write(sb, f.Cond, 0); sb.Append(" then "); Write(sb, f.Then, 0);
                    sb.Append(" else "); Write(sb, f.Else, 0);
                });
                break;
            case ALet l:
                Paren(sb, outer > 0, () =>
                {
                    sb.Append("let ").Append(l.Name).Append(" = "); Write(sb, l.Value, 0);
                    sb.Append(" in "); Write(sb, l.Body, 0);
                });
                break;
            case AQuant q:
                Paren(sb, outer > 0, () =>
                {
                    sb.Append(q.Forall ? "forall " : "exists ");
                    sb.Append(string.Join(", ", q.Binders.Select(b => $"{b.Name} in {Print(b.Domain)}")));
                    sb.Append(": "); Write(sb, q.Body, 0);
                });
                break;
            case ASetLit s: sb.Append('{').Append(string.Join(", ", s.Items.Select(Print))).Append('}'); break;
            case ASetFilter f: sb.Append('{').Append(f.Binder.Name).Append(" in ").Append(Print(f.Binder.Domain)).Append(" where ").Append(Print(f.Pred)).Append('}'); break;
            case ASetMap m:
                sb.Append('{').Append(Print(m.Elem)).Append(" for ").Append(m.Binder.Name).Append(" in ").Append(Print(m.Binder.Domain));
                if (m.Pred is not null) sb.Append(" where ").Append(Print(m.Pred));
                sb.Append('}');
                break;
            case AMapComp m: sb.Append('[').Append(m.Binder.Name).Append(" in ").Append(Print(m.Binder.Domain)).Append(" -> ").Append(Print(m.Body)).Append(']'); break;
            case ASeqLit s: sb.Append('[').Append(string.Join(", ", s.Items.Select(Print))).Append(']'); break;
            case ARecordLit r: sb.Append('{').Append(string.Join(", ", r.Fields.Select(f => $"{f.Name}: {Print(f.Value)}"))).Append('}'); break;
            case AIndex i: Write(sb, i.Target, 13); sb.Append('[').Append(Print(i.Key)).Append(']'); break;
            case AField f: Write(sb, f.Target, 13); sb.Append('.').Append(f.Name); break;
            case ACall c: sb.Append(c.Name).Append('(').Append(string.Join(", ", c.Args.Select(Print))).Append(')'); break;
            case ARange r:
                if (outer > 7) sb.Append('(');
                Write(sb, r.Lo, 8); sb.Append(".."); Write(sb, r.Hi, 8);
                if (outer > 7) sb.Append(')');
                break;
            case AFind f: Paren(sb, outer > 0, () => sb.Append("find ").Append(f.Binder.Name).Append(" in ").Append(Print(f.Binder.Domain)).Append(" where ").Append(Print(f.Pred))); break;
            case AWith w:
                if (outer > 7) sb.Append('(');
                Write(sb, w.Target, 8);
                sb.Append(" with ");
                foreach (var step in w.Path)
                    if (step.Key is not null) sb.Append('[').Append(Print(step.Key)).Append(']');
                    else sb.Append('.').Append(step.Field);
                sb.Append(" = ");
                Write(sb, w.Value, 8);
                if (outer > 7) sb.Append(')');
                break;
            default: sb.Append("<error>"); break;
        }
    }

    private static void Paren(StringBuilder sb, bool paren, Action body)
    {
        if (paren) sb.Append('(');
        body();
        if (paren) sb.Append(')');
    }
}
