namespace Formal.Reference;

public enum OutcomeKind
{
    /// <summary>The syscall or fault succeeded and no violation happened.</summary>
    Ok,
    /// <summary>The syscall failed with <see cref="Outcome.ErrorCode"/> (e.g. -ENOMEM) and no violation happened.</summary>
    Error,
    /// <summary>The operation does not apply to this heap (no such process, not a hole, feature absent in the era...).</summary>
    NotApplicable,
    /// <summary>The operation would allocate beyond the configured <see cref="Bounds"/>; it was discarded.</summary>
    BoundReached,
    /// <summary>At least one violation happened; the first is <see cref="Outcome.Violations"/>[0].</summary>
    Violation,
}

/// <summary>The result of applying one operation.</summary>
public sealed record Outcome(OutcomeKind Kind, int ErrorCode, IReadOnlyList<Violation> Violations, string? Reason, string? Detail)
{
    public Violation? First => Violations.Count > 0 ? Violations[0] : null;

    public bool Applied => Kind is OutcomeKind.Ok or OutcomeKind.Error or OutcomeKind.Violation;

    public override string ToString()
    {
        string code = ErrorCode == 0 ? "" : $" {ErrnoName(ErrorCode)}";
        return Kind switch
        {
            OutcomeKind.Ok => "ok" + (Detail is null ? "" : $" ({Detail})"),
            OutcomeKind.Error => "error" + code,
            OutcomeKind.NotApplicable => $"not applicable: {Reason}",
            OutcomeKind.BoundReached => $"bound reached: {Reason}",
            _ => $"violation{code}: {First}" + (Violations.Count > 1 ? $" (+{Violations.Count - 1} more)" : ""),
        };
    }

    public static string ErrnoName(int code) => code switch
    {
        -12 => "-ENOMEM",
        -22 => "-EINVAL",
        -14 => "-EFAULT",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// An applied operation: its outcome, the heap after it, (if requested) the kernel functions called, the kinds of
/// allocation it tried, and the failures asked for with <see cref="Machine.Apply"/>'s <c>failing</c> that it
/// left pending because it never tried that kind.
/// </summary>
public sealed record StepResult(Operation Operation, Outcome Outcome, Heap After, IReadOnlyList<string> Log,
    AllocKinds Tried = AllocKinds.None, AllocKinds LeftPending = AllocKinds.None);
