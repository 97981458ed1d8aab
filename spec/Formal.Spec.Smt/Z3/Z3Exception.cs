namespace Formal.Spec.Smt.Z3;

/// An error reported by Z3 through its error code (the context has no error handler, so Z3
/// never exits the process). Term construction errors are bugs in the encoder; errors during a
/// check (e.g. out of memory) become an unknown result at the solver port.
public sealed class Z3Exception(string message) : Exception(message);

/// The Z3 library cannot be loaded; the message names the package to install.
public sealed class SolverUnavailableException(string message) : Exception(message);
