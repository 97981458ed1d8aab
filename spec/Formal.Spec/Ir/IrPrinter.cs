using System.Text;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Ir;

/// Prints typed expressions as spec text (for explanations of failures).
public static class IrPrinter
{
    public static string Print(Expr e)
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

    private static void Write(StringBuilder sb, Expr e, int outer)
    {
        switch (e)
        {
            case EConst c: sb.Append(Const(c)); break;
            case EVar v: sb.Append(v.Name); break;
            case ELocal l: sb.Append(l.Local.Name); break;
            case EOld o: sb.Append("old("); Write(sb, o.Inner, 0); sb.Append(')'); break;
            case EIndex i: Write(sb, i.Target, 13); sb.Append('['); Write(sb, i.Key, 0); sb.Append(']'); break;
            case EField f: Write(sb, f.Target, 13); sb.Append('.').Append(((RecordTy)f.Target.Type).Fields[f.Field].Name); break;
            case EOptionValue ov: Write(sb, ov.Target, 13); sb.Append(".value"); break;
            case EUnary u: sb.Append(u.Op == UnOp.Neg ? "-" : "not "); Write(sb, u.Operand, 12); break;
            case EBinary b:
            {
                int p = Prec(b.Op);
                if (p < outer) sb.Append('(');
                Write(sb, b.Left, p + 1);
                sb.Append(' ').Append(AstPrinter.OpText(b.Op)).Append(' ');
                Write(sb, b.Right, p + 1);
                if (p < outer) sb.Append(')');
                break;
            }
            case ESeqContains sc: Write(sb, sc.Elem, 7); sb.Append(sc.Negated ? " notin " : " in "); Write(sb, sc.Seq, 7); break;
            case EIf f: Wrap(sb, outer, () => { sb.Append("if "); Write(sb, f.Cond, 0); sb.Append(" then "); Write(sb, f.Then, 0); sb.Append(" else "); Write(sb, f.Else, 0); }); break;
            case ELet l: Wrap(sb, outer, () => { sb.Append("let ").Append(l.Local.Name).Append(" = "); Write(sb, l.Value, 0); sb.Append(" in "); Write(sb, l.Body, 0); }); break;
            case EQuant q: Wrap(sb, outer, () => { sb.Append(q.Forall ? "forall " : "exists ").Append(q.Local.Name).Append(" in "); Write(sb, q.Domain, 7); sb.Append(": "); Write(sb, q.Body, 0); }); break;
            case ESetLit s: sb.Append('{'); List(sb, s.Items); sb.Append('}'); break;
            case ESetFilter f: sb.Append('{').Append(f.Local.Name).Append(" in "); Write(sb, f.Domain, 7); sb.Append(" where "); Write(sb, f.Pred, 0); sb.Append('}'); break;
            case ESetMap m:
                sb.Append('{'); Write(sb, m.Elem, 0); sb.Append(" for ").Append(m.Local.Name).Append(" in "); Write(sb, m.Domain, 7);
                if (m.Pred is not null) { sb.Append(" where "); Write(sb, m.Pred, 0); }
                sb.Append('}');
                break;
            case EMapComp mc: sb.Append('[').Append(mc.Local.Name).Append(" in ").Append(((MapTy)mc.Type).Key.Show()).Append(" -> "); Write(sb, mc.Body, 0); sb.Append(']'); break;
            case ERecord r:
            {
                var rt = (RecordTy)r.Type;
                sb.Append('{');
                for (int i = 0; i < r.Fields.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(rt.Fields[i].Name).Append(": ");
                    Write(sb, r.Fields[i], 0);
                }
                sb.Append('}');
                break;
            }
            case ESeqLit s: sb.Append('['); List(sb, s.Items); sb.Append(']'); break;
            case ESome s: sb.Append("some("); Write(sb, s.Value, 0); sb.Append(')'); break;
            case ENone: sb.Append("none"); break;
            case EWith w:
                Write(sb, w.Target, 8);
                sb.Append(" with ");
                foreach (var step in w.Path)
                    if (step.Key is not null) { sb.Append('['); Write(sb, step.Key, 0); sb.Append(']'); }
                    else sb.Append('.').Append(((RecordTy)step.ContainerType).Fields[step.Field].Name);
                sb.Append(" = ");
                Write(sb, w.Value, 8);
                break;
            case ECall c: sb.Append(c.Fn.ToString().ToLowerInvariant()).Append('('); List(sb, c.Args); sb.Append(')'); break;
            case ERange r: Write(sb, r.Lo, 8); sb.Append(".."); Write(sb, r.Hi, 8); break;
            case ETypeDomain td: sb.Append(td.Elem.Show()); break;
            case EFind f: Wrap(sb, outer, () => { sb.Append("find ").Append(f.Local.Name).Append(" in "); Write(sb, f.Domain, 7); sb.Append(" where "); Write(sb, f.Pred, 0); }); break;
            case EDefCall d:
                sb.Append(d.Def.Name);
                if (d.Def.Params.Count > 0) { sb.Append('('); List(sb, d.Args); sb.Append(')'); }
                break;
            case EConvert cv: Write(sb, cv.Value, outer); break;
            default: sb.Append('?'); break;
        }
    }

    private static string Const(EConst c) => c.Type switch
    {
        BoolTy => c.Value != 0 ? "true" : "false",
        EnumTy en when c.Value >= 0 && c.Value < en.Members.Count => en.Members[(int)c.Value],
        OptionTy when c.Value == TypeOps.NoneValue => "none",
        _ => c.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static void List(StringBuilder sb, IReadOnlyList<Expr> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            Write(sb, items[i], 0);
        }
    }

    private static void Wrap(StringBuilder sb, int outer, Action body)
    {
        if (outer > 0) sb.Append('(');
        body();
        if (outer > 0) sb.Append(')');
    }
}
