using System.Diagnostics;
using Formal.Cli;

namespace Formal.Cli.Tests;

public sealed record CliResult(int Exit, string Out, string Err);

public static class CliHarness
{
    /// Runs the command in-process (same code path as the executable's Main).
    public static CliResult Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return new CliResult(code, o.ToString(), e.ToString());
    }

    /// Runs the built `formal` executable as a separate process.
    public static CliResult Process(params string[] args) => ProcessWith([], args);

    /// Runs the built executable with extra environment variables.
    public static CliResult ProcessWith((string Name, string Value)[] env, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "formal.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Formal.Tests.Repo.Root };
        foreach (var (name, value) in env) psi.Environment[name] = value;
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempFile(string name) => Path.Combine(Path.GetTempPath(), $"formal-test-{Guid.NewGuid():N}-{name}");
}
