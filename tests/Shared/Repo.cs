using System.Runtime.CompilerServices;

namespace Formal.Tests;

/// Paths inside the repository, found from the test assembly's location.
public static class Repo
{
    private static string? _root;

    public static string Root => _root ??= Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Example(string name) => Path("spec", "examples", name + ".yaml");

    private static string Find([CallerFilePath] string here = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Path.GetDirectoryName(here) ?? "" })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(System.IO.Path.Combine(d.FullName, "Formal.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (Formal.sln)");
    }

    /// Compares with a golden file; with UPDATE_GOLDEN=1 rewrites it instead.
    public static void Golden(string relativePath, string actual)
    {
        var path = Path(relativePath.Split('/'));
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden file {relativePath} is missing; run the tests with UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n"), actual);
    }
}
