namespace Formal.Cli;

/// The exit codes of the architecture's CLI contract.
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Violation = 1;
    public const int BadInput = 2;
    public const int Inconclusive = 3;
    public const int InternalError = 70;
}
