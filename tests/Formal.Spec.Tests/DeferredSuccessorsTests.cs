using Formal.Spec.Runtime;

namespace Formal.Spec.Tests;

public class DeferredSuccessorsTests
{
    [Fact]
    public void Keeps_every_entry_in_order_past_its_first_capacity()
    {
        var d = new DeferredSuccessors(words: 3);
        for (int i = 0; i < 1000; i++)
        {
            if (i % 7 == 0) d.AddStutter();
            else d.AddState((ulong)i, [(ulong)i, (ulong)i * 2, (ulong)i * 3]);
        }
        Assert.Equal(1000, d.Count);
        for (int i = 0; i < 1000; i++)
        {
            if (i % 7 == 0)
            {
                Assert.Equal(DeferredSuccessors.Kind.Stutter, d.KindAt(i));
                continue;
            }
            Assert.Equal(DeferredSuccessors.Kind.State, d.KindAt(i));
            Assert.Equal((ulong)i, d.Fp(i));
            Assert.Equal(new[] { (ulong)i, (ulong)i * 2, (ulong)i * 3 }, d.Packed(i).ToArray());
        }
        d.Clear();
        Assert.Equal(0, d.Count);
    }
}
