using Formal.Spec.Smt.Z3;

namespace Formal.Spec.Smt.Solving;

public enum SolveStatus { Sat, Unsat, Unknown }

/// The outcome of one check: sat, unsat, or unknown with the solver's reason (timeout,
/// canceled, incomplete theory, out of memory, ...).
public readonly record struct SolveResult(SolveStatus Status, string? Reason = null)
{
    public static SolveResult Sat => new(SolveStatus.Sat);
    public static SolveResult Unsat => new(SolveStatus.Unsat);
    public static SolveResult Unknown(string reason) => new(SolveStatus.Unknown, reason);

    public override string ToString() => Status switch
    {
        SolveStatus.Sat => "sat",
        SolveStatus.Unsat => "unsat",
        _ => $"unknown ({Reason})",
    };
}

/// What the engines need from a solver: assertions, checks under assumption literals (with a
/// time limit), the model of the last satisfiable check, and the query as SMT-LIB text. Terms
/// are built with the solver's <see cref="Z3Context"/>.
public interface ISolver : IDisposable
{
    Z3Context Context { get; }
    void Assert(Term t);
    /// A time limit and cancellation end the check with unknown ("timeout", "canceled").
    SolveResult Check(IReadOnlyList<Term> assumptions, TimeSpan? timeout, CancellationToken cancel = default);

    /// The model of the last check, which must have been satisfiable.
    IModel Model();

    /// The assertions so far plus the given assumptions as a standalone SMT-LIB script.
    string ToSmtLib(IReadOnlyList<Term> assumptions);
}

/// Values of terms in a satisfying assignment (with model completion: unconstrained terms get a
/// default value).
public interface IModel : IDisposable
{
    bool Bool(Term t);
    long Int(Term t);
}
