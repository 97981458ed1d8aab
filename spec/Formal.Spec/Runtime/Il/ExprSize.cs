using System.Linq.Expressions;

namespace Formal.Spec.Runtime.Il;

/// Counts the nodes of an expression tree, stopping at a cap: unrolling decisions weigh the
/// code a copy would add. The JIT compiles a method of more than 60,000 IL bytes without
/// optimising, so a delegate must stay well below that.
internal sealed class ExprSize : ExpressionVisitor
{
    private int _count;
    private readonly int _cap;

    private ExprSize(int cap) => _cap = cap;

    public static int Of(Expression e, int cap)
    {
        var s = new ExprSize(cap);
        s.Visit(e);
        return s._count;
    }

    public override Expression? Visit(Expression? node)
    {
        if (node is null || _count > _cap) return node;
        _count++;
        return base.Visit(node);
    }
}
