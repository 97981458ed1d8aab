using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// Explains why a false boolean expression is false: the values of `forall` variables for which
/// the body fails (and of `let`-bound and definition parameters on the way), and the innermost
/// failing part of `and` / `=>` chains. Compiled with the spec, run only after a failure.
internal sealed class Explainer(ExprCompiler x)
{
    public delegate string? Explain(Machine m);

    public Explain Compile(Expr e)
    {
        switch (e)
        {
            case EQuant { Forall: true } q:
            {
                int slot = x.Slot(q.Local);
                var body = x.S(q.Body);
                var inner = Compile(q.Body);
                var values = Values(q.Domain);
                var local = q.Local;
                return m =>
                {
                    foreach (var v in values(m))
                    {
                        m.M[slot] = v;
                        if (body(m) != 0) continue;
                        var rest = inner(m);
                        var here = $"{local.Name}={ValueCodec.Scalar(local.Type, v).Show()}";
                        return rest is null ? here : $"{here}, {rest}";
                    }
                    return null;
                };
            }
            case EBinary { Op: BinOp.And } b:
            {
                var l = x.S(b.Left);
                var le = Compile(b.Left);
                var re = Compile(b.Right);
                var lt = IrPrinter.Print(b.Left);
                var rt = IrPrinter.Print(b.Right);
                return m => l(m) == 0 ? le(m) ?? $"fails: {lt}" : re(m) ?? $"fails: {rt}";
            }
            case EBinary { Op: BinOp.Implies } b:
            {
                var re = Compile(b.Right);
                return m => re(m);
            }
            case ELet l:
            {
                var bind = x.BindLocal(l.Local, l.Value);
                var body = Compile(l.Body);
                return m => { bind(m); return body(m); };
            }
            case EDefCall d:
            {
                var binds = d.Def.Params.Zip(d.Args).Select(p => x.BindLocal(p.First, p.Second)).ToArray();
                var body = Compile(d.Def.Body);
                return m =>
                {
                    foreach (var b in binds) b(m);
                    return body(m);
                };
            }
            default:
                return _ => null;
        }
    }

    private Func<Machine, IEnumerable<long>> Values(Expr domain)
    {
        switch (x.Domain(domain))
        {
            case CountDomain cd:
                return _ => Enumerable.Range(0, (int)cd.Count).Select(i => cd.First + i);
            case RangeDomain rd:
                return m =>
                {
                    long lo = rd.Lo(m), hi = rd.Hi(m);
                    return lo > hi ? [] : Enumerable.Range(0, (int)(hi - lo + 1)).Select(i => lo + i).ToList();
                };
            case MaskDomain md:
                return m =>
                {
                    ulong bits = (ulong)md.Mask(m);
                    var list = new List<long>();
                    for (int i = 0; i < 64; i++)
                        if ((bits >> i & 1) != 0) list.Add(i);
                    return list;
                };
        }
        return _ => [];
    }
}
