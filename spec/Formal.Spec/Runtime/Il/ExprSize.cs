using System.Linq.Expressions;

namespace Formal.Spec.Runtime.Il;

/// Counts the nodes of an expression tree, stopping at a cap: unrolling decisions weigh the
/// code a copy would add. The JIT compiles a method without optimising when it has more than
/// 60,000 IL bytes or more than 2,000 basic blocks, so a delegate must stay well below both.
internal sealed class ExprSize : ExpressionVisitor
{
    private int _count;
    private readonly int _cap;
    private readonly bool _branches;

    private ExprSize(int cap, bool branches) => (_cap, _branches) = (cap, branches);

    public static int Of(Expression e, int cap)
    {
        var s = new ExprSize(cap, false);
        s.Visit(e);
        return s._count;
    }

    /// The nodes that end or start a basic block (conditions, short-circuits, jumps, labels,
    /// loops): a measure of the block count the JIT will see.
    public static int Branches(Expression e, int cap)
    {
        var s = new ExprSize(cap, true);
        s.Visit(e);
        return s._count;
    }

    public override Expression? Visit(Expression? node)
    {
        if (node is null || _count > _cap) return node;
        if (!_branches || node.NodeType is ExpressionType.Conditional or ExpressionType.AndAlso or ExpressionType.OrElse
                or ExpressionType.Goto or ExpressionType.Label or ExpressionType.Loop or ExpressionType.Switch)
            _count++;
        return base.Visit(node);
    }
}
