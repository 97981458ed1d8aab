namespace Formal.Explorer.Bfs;

/// TLC's two estimates of the probability that two distinct states got the same fingerprint (so
/// one was never explored). <see cref="Optimistic"/> is n(g - n) / 2^64 for n distinct states and
/// g generated: each of the g - n lookups that found a state could have hit any of n fingerprints
/// by accident. <see cref="Observed"/> is 1 / (smallest gap between two stored fingerprints): if
/// fingerprints were that dense everywhere, a random one would collide with this probability.
public sealed record Collision(double Optimistic, double? Observed)
{
    public static double OptimisticOf(long distinct, long generated) =>
        distinct * (double)Math.Max(0, generated - distinct) / Math.Pow(2, 64);

    /// Sorts each shard's fingerprints (shards hold disjoint, increasing ranges of the top bits,
    /// so the gaps between shards are between one's largest and the next one's smallest).
    public static Collision Of(SeenSet seen, long generated)
    {
        double optimistic = OptimisticOf(seen.Count, generated);
        if (seen.Count < 2) return new Collision(optimistic, null);
        int max = 0;
        for (int s = 0; s < SeenSet.Shards; s++) max = Math.Max(max, seen.ShardCount(s));
        var buf = new ulong[max];
        ulong minGap = ulong.MaxValue;
        bool any = false;
        ulong last = 0;
        for (int s = 0; s < SeenSet.Shards; s++)
        {
            int n = seen.CopyShard(s, buf);
            Array.Sort(buf, 0, n);
            for (int i = 0; i < n; i++)
            {
                if (any && buf[i] - last < minGap) minGap = buf[i] - last;
                last = buf[i];
                any = true;
            }
        }
        return new Collision(optimistic, minGap == 0 ? 1.0 : 1.0 / minGap);
    }
}
