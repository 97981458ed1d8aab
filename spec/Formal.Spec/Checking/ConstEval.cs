using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;

namespace Formal.Spec.Checking;

/// Evaluates constant expressions (type bounds, pool sizes, sequence capacities): integer
/// arithmetic over literals and constants.
public sealed class ConstEval(IReadOnlyDictionary<string, ConstValue> constants, DiagnosticBag diags)
{
    public long? Int(Ast e, string what)
    {
        try
        {
            return Eval(e, what);
        }
        catch (OverflowException)
        {
            diags.Error(e.Span, $"{what}: arithmetic overflow");
            return null;
        }
    }

    private long? Eval(Ast e, string what)
    {
        switch (e)
        {
            case AInt i: return i.Value;
            case AName n when constants.TryGetValue(n.Name, out var v):
                if (v.IsBool) { diags.Error(n.Span, $"{what} must be an integer, but constant '{n.Name}' is a boolean"); return null; }
                return v.Int;
            case AName n:
                diags.Error(n.Span, $"{what} must be a constant expression; '{n.Name}' is not a constant{Suggest.Hint(n.Name, constants.Keys)}");
                return null;
            case AUnary { Op: UnOp.Neg } u:
                return Eval(u.Operand, what) is { } x ? checked(-x) : null;
            case ABinary b when b.Op is BinOp.Add or BinOp.Sub or BinOp.Mul or BinOp.Div or BinOp.Mod:
            {
                var l = Eval(b.Left, what);
                var r = Eval(b.Right, what);
                if (l is null || r is null) return null;
                if (b.Op is BinOp.Div or BinOp.Mod && r == 0) { diags.Error(b.Right.Span, $"{what}: division by zero"); return null; }
                return b.Op switch
                {
                    BinOp.Add => checked(l.Value + r.Value),
                    BinOp.Sub => checked(l.Value - r.Value),
                    BinOp.Mul => checked(l.Value * r.Value),
                    BinOp.Div => FloorDiv(l.Value, r.Value),
                    _ => FloorMod(l.Value, r.Value),
                };
            }
            case AError: return null;
            default:
                diags.Error(e.Span, $"{what} must be a constant integer expression (numbers, constants, + - * / %)");
                return null;
        }
    }

    public static long FloorDiv(long a, long b)
    {
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }

    public static long FloorMod(long a, long b)
    {
        long m = a % b;
        if (m != 0 && ((m < 0) != (b < 0))) m += b;
        return m;
    }
}
