using System.Linq.Expressions;

namespace Formal.Spec.Runtime.Il;

/// The largest constant index at which a compiled body reads or writes the memory array.
internal sealed class MaxConstantIndex(ParameterExpression mem) : ExpressionVisitor
{
    private int _max;

    public static int Of(Expression body, ParameterExpression mem)
    {
        var v = new MaxConstantIndex(mem);
        v.Visit(body);
        return v._max;
    }

    protected override Expression VisitBinary(BinaryExpression node)
    {
        if (node.NodeType == ExpressionType.ArrayIndex && node.Left == mem && node.Right is ConstantExpression { Value: int i }) _max = Math.Max(_max, i);
        return base.VisitBinary(node);
    }

    protected override Expression VisitIndex(IndexExpression node)
    {
        if (node.Object == mem && node.Arguments.Count == 1 && node.Arguments[0] is ConstantExpression { Value: int i }) _max = Math.Max(_max, i);
        return base.VisitIndex(node);
    }
}
