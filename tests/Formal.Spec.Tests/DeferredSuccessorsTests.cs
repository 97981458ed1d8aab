using Formal.Spec.Runtime;

namespace Formal.Spec.Tests;

public class DeferredSuccessorsTests
{
    [Fact]
    public void Keeps_every_entry_in_order_with_the_stutters_before_it_past_its_first_capacity()
    {
        var d = new DeferredSuccessors(words: 3);
        var expected = new List<(ulong Fp, int Stutters)>();
        int run = 0;
        for (int i = 0; i < 1000; i++)
        {
            // Runs of 0 to 3 stutters between states.
            if (i % 7 == 0 || i % 11 < 3)
            {
                d.AddStutter();
                run++;
                continue;
            }
            d.AddState((ulong)i, [(ulong)i, (ulong)i * 2, (ulong)i * 3]);
            expected.Add(((ulong)i, run));
            run = 0;
        }
        d.AddStutter();
        Assert.Equal(expected.Count, d.Count);
        Assert.Equal(run + 1, d.TrailingStutters);
        Assert.Contains(expected, e => e.Stutters >= 2);
        for (int i = 0; i < d.Count; i++)
        {
            var (fp, stutters) = expected[i];
            Assert.Equal(DeferredSuccessors.Kind.State, d.KindAt(i));
            Assert.Equal(stutters, d.StuttersBefore(i));
            Assert.Equal(fp, d.Fp(i));
            Assert.Equal(new[] { fp, fp * 2, fp * 3 }, d.Packed(i).ToArray());
        }
        d.Clear();
        Assert.Equal(0, d.Count);
        Assert.Equal(0, d.TrailingStutters);
    }
}
