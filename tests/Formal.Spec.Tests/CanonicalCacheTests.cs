using Formal.Spec.Runtime;
using Xunit;

namespace Formal.Spec.Tests;

public class CanonicalCacheTests
{
    // A fixed mix, so the keys spread over the buckets as fingerprints do.
    private static ulong Key(int i) => ((ulong)i + 1) * 0x9E3779B97F4A7C15UL;

    [Fact]
    public void Returns_what_was_added_and_misses_what_was_not()
    {
        var cache = new CanonicalCache();
        for (int i = 0; i < 1000; i++) cache.Add(Key(i), (ulong)i * 7 + 1);
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(cache.TryGet(Key(i), out ulong c));
            Assert.Equal((ulong)i * 7 + 1, c);
        }
        Assert.False(cache.TryGet(Key(5000), out _));
        Assert.False(cache.TryGet(0, out _));
    }

    [Fact]
    public void Growing_keeps_the_entries()
    {
        var cache = new CanonicalCache();
        long before = cache.Bytes;
        const int n = 3000;
        for (int i = 0; i < n; i++) cache.Add(Key(i), Key(i) ^ 1);
        int keptBefore = Enumerable.Range(0, n).Count(i => cache.TryGet(Key(i), out _));
        cache.Missed(1 << 20);
        Assert.True(cache.Bytes > before, "the table grew");
        int keptAfter = Enumerable.Range(0, n).Count(i => cache.TryGet(Key(i), out ulong c) && c == (Key(i) ^ 1));
        Assert.Equal(keptBefore, keptAfter);
        // Four ways per bucket: few of 3,000 keys in 4,096 entries are evicted.
        Assert.True(keptBefore > n * 9 / 10, $"kept {keptBefore} of {n}");
    }

    [Fact]
    public void A_key_added_twice_keeps_one_entry()
    {
        var cache = new CanonicalCache();
        cache.Add(Key(1), 10);
        cache.Add(Key(1), 10);
        for (int i = 2; i < 5; i++) cache.Add(Key(1) ^ (ulong)i, 20); // same bucket: the top bits agree
        Assert.True(cache.TryGet(Key(1), out ulong c));
        Assert.Equal(10UL, c);
        for (int i = 2; i < 5; i++) Assert.True(cache.TryGet(Key(1) ^ (ulong)i, out _));
    }
}
