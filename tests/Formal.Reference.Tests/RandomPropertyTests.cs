using Formal.Reference;
using Formal.Reference.RuleSets;

namespace Formal.Reference.Tests;

/// <summary>
/// Property tests: random operation sequences (fixed seeds) on the fixed rule sets keep I1-I10 after every step
/// and report no violation. The only exceptions are the historic I10 violations of the degree era, each reproduced
/// by its own test in <see cref="SeedBugTests"/>: in V1 the reuse of an anon_vma that a VMA still uses
/// (CVE-2022-42703's mechanism), in V1p additionally B-2020a and B-2020d, in Konstantin's v2 B-2020d.
/// </summary>
public class RandomPropertyTests
{
    private const int Seed = 20260118;
    private static readonly Bounds Small = new(MaxProcesses: 3, AddressSpacePages: 4, MaxVmas: 8, MaxAnonVmas: 8, MaxPages: 8);
    private static readonly Bounds Larger = new(MaxProcesses: 4, AddressSpacePages: 5, MaxVmas: 10, MaxAnonVmas: 10, MaxPages: 10);

    /// <summary>Known historic invariant violations per rule set (each has its own reproduction test).</summary>
    private static readonly Dictionary<string, string> KnownHistoric = new()
    {
        ["V1"] = "I10",
        ["V1p"] = "I10",
        ["V1p-konstantin-v2"] = "I10",
    };

    public static TheoryData<string, string> FixedRuleSets()
    {
        var d = new TheoryData<string, string>();
        foreach (var name in RuleSetRegistry.FixedRuleSets)
            d.Add(name, KnownHistoric.GetValueOrDefault(name, ""));
        return d;
    }

    private static HashSet<string> Tolerated(string list) => list.Length == 0 ? [] : list.Split(',').ToHashSet();

    [Theory]
    [MemberData(nameof(FixedRuleSets))]
    public void Random_sequences_keep_every_invariant(string ruleSet, string tolerated)
    {
        var finding = RandomRuns.FirstFinding(ruleSet, Seed, runs: 400, steps: 40, Small, Tolerated(tolerated));
        Assert.True(finding is null, finding?.ToString());
    }

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(FixedRuleSets))]
    public void Random_sequences_keep_every_invariant_long(string ruleSet, string tolerated)
    {
        var finding = RandomRuns.FirstFinding(ruleSet, Seed + 1, runs: 8000, steps: 60, Larger, Tolerated(tolerated));
        Assert.True(finding is null, finding?.ToString());
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("V2-6.16")]
    [InlineData("V3-merged")]
    [InlineData("V3-series-v2")]
    public void The_same_generator_finds_the_bugs_of_the_buggy_rule_sets(string ruleSet)
    {
        var finding = RandomRuns.FirstFinding(ruleSet, Seed, runs: 40000, steps: 50, Small);
        Assert.NotNull(finding);
    }
}
