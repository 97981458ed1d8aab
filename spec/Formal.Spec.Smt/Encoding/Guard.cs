using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Encoding;

/// The condition under which a piece of an expression is evaluated: the path condition of the
/// statement, refined by short-circuit operators (`a and b` evaluates b only when a holds),
/// conditional branches and quantifier prefixes. A run-time error counts only where it is
/// evaluated, as in the evaluator. Built lazily: most expressions cannot fail, and their guards
/// are never turned into terms.
public sealed class Guard
{
    private readonly Terms _t;
    private readonly Guard? _parent;
    private readonly Term _cond;
    private Term? _term;

    private Guard(Terms t, Guard? parent, Term cond)
    {
        _t = t;
        _parent = parent;
        _cond = cond;
    }

    public static Guard Root(Terms t, Term condition) => new(t, null, condition);

    public Guard And(Term c) => _t.IsTrue(c) ? this : new Guard(_t, this, c);

    public Term Term => _term ??= _parent is null ? _cond : _t.And(_parent.Term, _cond);
}

/// The run-time errors and failed assertions met while encoding one action (or init, or an
/// invariant): each is the condition under which it happens.
public sealed class Faults(Terms t)
{
    private readonly List<Term> _errors = new();
    private readonly List<Term> _assertions = new();

    public void Error(Guard g, Term when)
    {
        if (t.IsFalse(when)) return;
        var c = t.And(g.Term, when);
        if (!t.IsFalse(c)) _errors.Add(c);
    }

    public void AssertionFails(Term when)
    {
        if (!t.IsFalse(when)) _assertions.Add(when);
    }

    public Term AnyError => t.Or(_errors);
    public Term AnyAssertion => t.Or(_assertions);
}
