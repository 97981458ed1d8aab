namespace Formal.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("formal: not yet implemented");
        return 2;
    }
}
