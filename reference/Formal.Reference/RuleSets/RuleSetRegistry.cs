using System.Reflection;

namespace Formal.Reference.RuleSets;

/// <summary>
/// Rule sets by name. The built-in ones are registered in era order; a user's rule sets can be added one by one
/// (<see cref="Register"/>) or by scanning an assembly (<see cref="LoadFrom"/>).
/// </summary>
public static class RuleSetRegistry
{
    private static readonly object Gate = new();
    private static readonly List<(string Name, Func<RuleSet> Factory)> Entries = new();

    static RuleSetRegistry()
    {
        Add(() => new V0());
        Add(() => new V1());
        Add(() => new V1p());
        Add(() => new V1pOrderFixed());
        Add(() => new V1pSeedV1());
        Add(() => new V1pKonstantinV2());
        Add(() => new V1pNext2019());
        Add(() => new V2Pre616());
        Add(() => new V2_616());
        Add(() => new V2_616Fix());
        Add(() => new V3SeriesV2());
        Add(() => new V3Merged());
        Add(() => new V3Final());
    }

    private static void Add(Func<RuleSet> factory) => Entries.Add((factory().Name, factory));

    /// <summary>Registered names in registration order (built-ins first, in era order).</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate)
                return Entries.Select(e => e.Name).ToList();
        }
    }

    /// <summary>
    /// The fixed rule sets: those §6.4 lists as fixed for a seed bug (V1, V1p, Konstantin's v2, V2, V3 final), plus
    /// V0 and the 61f67c230a5e fix. The degree-era ones still carry CVE-2022-42703 (and V1p B-2020a/d).
    /// </summary>
    public static IReadOnlyList<string> FixedRuleSets { get; } =
        ["V0", "V1", "V1p", "V1p-konstantin-v2", "V2-pre6.16", "V2-6.16-fix", "V3-final"];

    public static bool Contains(string name) => TryGetFactory(name, out _);

    public static bool TryGetFactory(string name, out Func<RuleSet> factory)
    {
        lock (Gate)
        {
            foreach (var e in Entries)
            {
                if (string.Equals(e.Name, name, StringComparison.Ordinal))
                {
                    factory = e.Factory;
                    return true;
                }
            }
        }
        factory = null!;
        return false;
    }

    public static Func<RuleSet> Factory(string name) =>
        TryGetFactory(name, out var f) ? f : throw new KeyNotFoundException($"unknown rule set '{name}'; known: {string.Join(", ", Names)}");

    /// <summary>A fresh instance (for metadata; execution uses one instance per operation).</summary>
    public static RuleSet Create(string name) => Factory(name)();

    /// <summary>Registers a rule set; a name that is already taken is rejected.</summary>
    public static void Register(Func<RuleSet> factory)
    {
        var name = factory().Name;
        lock (Gate)
        {
            if (Entries.Any(e => e.Name == name))
                throw new ArgumentException($"a rule set named '{name}' is already registered", nameof(factory));
            Entries.Add((name, factory));
        }
    }

    /// <summary>
    /// Registers every public, non-abstract <see cref="RuleSet"/> subclass with a public parameterless constructor
    /// found in <paramref name="assembly"/> (in type-name order); returns the names added.
    /// </summary>
    public static IReadOnlyList<string> LoadFrom(Assembly assembly)
    {
        var added = new List<string>();
        var types = assembly.GetExportedTypes()
            .Where(t => typeof(RuleSet).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var t in types)
        {
            Func<RuleSet> f = () => (RuleSet)Activator.CreateInstance(t)!;
            var name = f().Name;
            if (Contains(name))
                continue;
            Register(f);
            added.Add(name);
        }
        return added;
    }
}
