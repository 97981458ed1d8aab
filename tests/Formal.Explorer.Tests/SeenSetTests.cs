using Formal.Explorer.Bfs;

namespace Formal.Explorer.Tests;

public class SeenSetTests
{
    private static ulong[] Fingerprints(int n, int seed)
    {
        var rng = new Random(seed);
        var fps = new HashSet<ulong>();
        while (fps.Count < n)
        {
            ulong fp = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40);
            if (fp != 0) fps.Add(fp);
        }
        return fps.ToArray();
    }

    [Fact]
    public void Adds_once_finds_what_it_holds_and_nothing_else()
    {
        var fps = Fingerprints(200_000, 1);
        using var set = new SeenSet();
        foreach (var fp in fps.Take(150_000)) Assert.True(set.Add(fp));
        foreach (var fp in fps.Take(150_000)) Assert.False(set.Add(fp));
        Assert.Equal(150_000, set.Count);
        Assert.All(fps.Take(150_000), fp => Assert.True(set.Contains(fp)));
        Assert.All(fps.Skip(150_000), fp => Assert.False(set.Contains(fp)));
    }

    [Fact]
    public void Removing_keeps_every_other_fingerprint_reachable()
    {
        // Few shards' worth of clustered values so that probe runs are long and wrap around.
        var fps = Fingerprints(50_000, 2);
        using var set = new SeenSet();
        foreach (var fp in fps) set.Add(fp);
        var removed = fps.Where((_, i) => i % 3 == 0).ToHashSet();
        foreach (var fp in removed) set.Remove(fp);
        Assert.Equal(fps.Length - removed.Count, set.Count);
        Assert.All(fps, fp => Assert.Equal(!removed.Contains(fp), set.Contains(fp)));
        foreach (var fp in removed) Assert.True(set.Add(fp));
        Assert.All(fps, fp => Assert.True(set.Contains(fp)));
    }

    [Fact]
    public void Stays_between_10_and_16_bytes_per_state_once_past_its_initial_size()
    {
        using var set = new SeenSet();
        var fps = Fingerprints(1_000_000, 3);
        for (int i = 0; i < fps.Length; i++)
        {
            set.Add(fps[i]);
            if (i >= 20_000 && i % 997 == 0)
            {
                double perState = (double)set.Bytes / set.Count;
                Assert.InRange(perState, 9.9, 16.0);
            }
        }
    }

    [Fact]
    public void Collision_estimates_follow_tlc()
    {
        // n (g - n) / 2^64 for n = 2^20 distinct of g = 2^21 generated: 2^40 / 2^64 = 2^-24.
        Assert.Equal(Math.Pow(2, -24), Collision.OptimisticOf(1 << 20, 1 << 21), 12);
        using var set = new SeenSet();
        // The two closest fingerprints are 1000 apart, in different shards' neighbourhoods too.
        foreach (var fp in new ulong[] { 5_000_000, 5_001_000, 1UL << 62, (1UL << 62) + 7_000, ulong.MaxValue - 3_000_000 }) set.Add(fp);
        var c = Collision.Of(set, 10);
        Assert.Equal(1.0 / 1000, c.Observed!.Value, 12);
        Assert.Equal(25.0, c.Optimistic * Math.Pow(2, 64), 9);
    }
}
