namespace Formal.Reference;

/// <summary>
/// Finite bounds for exploration. An operation that would allocate beyond a bound is discarded and reported
/// as <see cref="OutcomeKind.BoundReached"/>, never as -ENOMEM.
/// </summary>
public sealed record Bounds(
    int MaxProcesses = 3,
    int AddressSpacePages = 4,
    int MaxVmas = 8,
    int MaxAnonVmas = 8,
    int MaxPages = 8)
{
    public static Bounds Default { get; } = new();

    /// <summary>Generous bounds for hand-written scenarios.</summary>
    public static Bounds Scenario { get; } = new(MaxProcesses: 8, AddressSpacePages: 16, MaxVmas: 64, MaxAnonVmas: 64, MaxPages: 64);
}
