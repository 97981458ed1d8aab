using System.Globalization;
using Formal.Spec.Diagnostics;

namespace Formal.Cli;

/// A flag a subcommand accepts: with a value or not, repeatable or not.
public sealed record OptionSpec(string Name, bool TakesValue, string Help, bool Repeatable = false, string? ValueName = null);

/// Parsed command line of one subcommand: positional arguments and option values.
public sealed class ParsedArgs
{
    public List<string> Positional { get; } = new();
    public Dictionary<string, List<string>> Values { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);

    public string? Get(string name) => Values.TryGetValue(name, out var v) ? v[^1] : null;
    public IReadOnlyList<string> All(string name) => Values.TryGetValue(name, out var v) ? v : [];
    public bool Has(string name) => Flags.Contains(name) || Values.ContainsKey(name);

    public int? Int(string name, int min, int max)
    {
        var s = Get(name);
        if (s is null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
            throw new UsageException($"{name} expects an integer in {min}..{max}, not '{s}'");
        return v;
    }

    /// A size in bytes: a number with an optional suffix K, M, G or T (powers of 1024), e.g. 2G.
    public long? Size(string name)
    {
        var s = Get(name);
        if (s is null) return null;
        var t = s.Trim().ToUpperInvariant();
        if (t.EndsWith('B')) t = t[..^1];
        if (t.EndsWith('I')) t = t[..^1];
        int shift = t.Length == 0 ? 0 : t[^1] switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        if (shift > 0) t = t[..^1];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || v <= 0 || v * Math.Pow(2, shift) > long.MaxValue / 2)
            throw new UsageException($"{name} expects a size such as 512M or 2G, not '{s}'");
        return (long)(v * Math.Pow(2, shift));
    }
}

public sealed class UsageException(string message) : Exception(message);

/// A small, strict parser: unknown flags are errors with a "did you mean".
public static class ArgParser
{
    public static ParsedArgs Parse(IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs)
    {
        var result = new ParsedArgs();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                result.Positional.AddRange(args.Skip(i + 1));
                break;
            }
            if (!a.StartsWith('-') || a == "-")
            {
                result.Positional.Add(a);
                continue;
            }
            string name = a;
            string? value = null;
            int eq = a.IndexOf('=');
            if (eq > 0)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
            }
            var spec = specs.FirstOrDefault(s => s.Name == name)
                ?? throw new UsageException($"unknown option '{name}'{Suggest.Hint(name, specs.Select(s => s.Name))}");
            if (spec.TakesValue)
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count) throw new UsageException($"{name} needs a value");
                    value = args[++i];
                }
                if (!spec.Repeatable && result.Values.ContainsKey(name)) throw new UsageException($"{name} is given more than once");
                if (!result.Values.TryGetValue(name, out var list)) result.Values[name] = list = new List<string>();
                list.Add(value);
            }
            else
            {
                if (value is not null) throw new UsageException($"{name} takes no value");
                result.Flags.Add(name);
            }
        }
        return result;
    }
}
