using Formal.Spec.Runtime;
using Formal.Spec.Types;
using Formal.Tests;

namespace Formal.Spec.Tests;

public class LayoutTests
{
    private const string Spec = """
        spec: layout
        types:
          Proc: { pool: 5, symmetric: true }
          Color: { enum: [red, green, blue] }
        variables:
          b: bool
          i: -3..200
          c: Color
          p: Proc
          o: option(Proc)
          oi: option(10..20)
          s: set(Proc)
          si: set(5..40)
          m: "Proc -> {x: 0..7, y: option(Color)}"
          q: seq(0..9, 3)
          rec: "option({a: bool, b: 0..3})"
        """;

    [Fact]
    public void Bits_per_leaf_are_the_logarithm_of_the_value_count()
    {
        var layout = new CompiledSpecProbe(Spec).Layout;
        // b:1 i:8 c:2 p:3 o:3 oi:4 s:5 si:36 m:5*(3+2) q:2+3*4 rec:1+1+2
        Assert.Equal(1 + 8 + 2 + 3 + 3 + 4 + 5 + 36 + 25 + 14 + 4, layout.TotalBits);
        Assert.Equal(2, layout.Words);
    }

    [Fact]
    public void Pack_then_unpack_is_the_identity_on_random_valid_states()
    {
        var layout = new CompiledSpecProbe(Spec).Layout;
        var rnd = new Random(12345);
        var slots = new long[layout.Slots];
        var back = new long[layout.Slots];
        var words = new ulong[layout.Words];
        for (int n = 0; n < 2000; n++)
        {
            for (int k = 0; k < layout.Slots; k++)
            {
                int bits = layout.Bits[k];
                ulong code = bits == 0 ? 0 : (ulong)rnd.NextInt64() & ((1UL << bits) - 1);
                slots[k] = layout.Codec[k] switch
                {
                    SlotCodec.Plain => (long)code + layout.Lo[k],
                    SlotCodec.Option => code == 0 ? TypeOps.NoneValue : (long)code - 1 + layout.Lo[k],
                    _ => (long)(code << (int)layout.Lo[k]),
                };
            }
            layout.Pack(slots, words);
            layout.Unpack(words, back);
            Assert.Equal(slots, back);
        }
    }

    [Theory]
    [InlineData(Spec)]
    [InlineData(Lanes)]
    [InlineData("""
        spec: wide
        variables:
          a: 0..2
          big: set(0..63)
          o: option(-5..5)
          z: 0..0
          t: set(1..3)
        """)]
    public void Compiled_packing_agrees_with_the_generic_loops(string yaml)
    {
        // The second layout has a 64-bit slot that straddles two words and a slot of no bits.
        var layout = new CompiledSpecProbe(yaml).Layout;
        // Both packers: with vector blocks (where the CPU has AVX2) and without.
        foreach (bool vector in new[] { true, false })
            foreach (bool key in new[] { false, true })
                PackingAgrees(layout, LayoutCode.Packer(layout, vector), LayoutCode.SuccessorPacker(layout, key, vector), key);
    }

    [Theory]
    [InlineData(0)]  // the low bits of both words vary
    [InlineData(27)] // the middle
    [InlineData(54)] // the top: a key whose mix did not carry a word's top bits down collided here
    public void The_cache_key_collides_no_more_than_chance(int shift)
    {
        Assert.NotEqual(Fingerprint.Key([1UL, 2UL]), Fingerprint.Key([2UL, 1UL]));
        Assert.NotEqual(Fingerprint.Key([0UL]), Fingerprint.Key([0UL, 0UL]));
        // 2^20 two-word states that differ in 10 bits of each word (as successors differ in a
        // few slots): all keys distinct (a collision among 2^20 random 64-bit keys has
        // probability 3e-8).
        var keys = new HashSet<ulong>();
        for (ulong a = 0; a < 1024; a++)
            for (ulong b = 0; b < 1024; b++)
                Assert.True(keys.Add(Fingerprint.Key([a << shift ^ 0x123, b << shift ^ 0x456])), $"a={a} b={b}");
    }

    // Lanes of every kind in the first block; a set from 5 that is not a lane; blocks of records.
    private const string Lanes = """
        spec: lanes
        types:
          Proc: { pool: 4, symmetric: true }
        variables:
          s: set(Proc)
          o: option(Proc)
          i: -3..7
          b: bool
          si: set(5..9)
          m: "Proc -> {x: 0..7, y: option(0..3)}"
        """;

    [Fact]
    public void Vector_blocks_cover_plain_option_and_set_slots()
    {
        var layout = new CompiledSpecProbe(Lanes).Layout;
        var blocks = VectorPack.Blocks(layout);
        var lanes = blocks.SelectMany(i => Enumerable.Range(i, VectorPack.Lanes)).ToList();
        Assert.Contains(lanes, i => layout.Codec[i] == SlotCodec.Option);
        Assert.Contains(lanes, i => layout.Codec[i] == SlotCodec.SetShift);
        Assert.Contains(lanes, i => layout.Codec[i] == SlotCodec.Plain && layout.Lo[i] != 0);
        // Each block lies in one word, no lane straddles words, and a set from 5 is not a lane.
        foreach (int i in blocks)
            for (int k = 0; k < VectorPack.Lanes; k++)
            {
                int s = i + k, p = layout.BitPos[s];
                Assert.Equal(layout.BitPos[i] >> 6, p >> 6);
                Assert.True((p & 63) + layout.Bits[s] <= 64);
                Assert.False(layout.Codec[s] == SlotCodec.SetShift && layout.Lo[s] != 0);
            }
    }

    private static void PackingAgrees(StateLayout layout, LayoutCode.PackFn pack, LayoutCode.SuccessorPackFn packSuccessor, bool key)
    {
        var rnd = new Random(7);
        var slots = new long[layout.Slots];
        var words = new ulong[layout.Words];
        var slow = new ulong[layout.Words];
        var back = new long[layout.Slots];
        var backSlow = new long[layout.Slots];
        for (int n = 0; n < 2000; n++)
        {
            for (int k = 0; k < layout.Slots; k++) slots[k] = RandomValue(layout, k, rnd);
            Pack(pack, slots, words);
            layout.PackSlowly(slots, slow);
            Assert.Equal(slow, words);
            layout.Unpack(words, back);
            layout.UnpackSlowly(words, backSlow);
            Assert.Equal(backSlow, back);
            Assert.Equal(slots, back);
            // The successor packer: the same words, and the fingerprint unless they equal the
            // parent's (0 then). Every other parent is the state itself.
            var parent = n % 2 == 0 ? (ulong[])words.Clone() : slow.Select(w => w ^ 1UL).ToArray();
            var packed = new ulong[layout.Words];
            ulong fp = PackSuccessor(packSuccessor, slots, packed, parent);
            Assert.Equal(words, packed);
            Assert.Equal(n % 2 == 0 ? 0UL : key ? Fingerprint.Key(words) : Fingerprint.Of(words), fp);
        }
    }

    private static unsafe ulong PackSuccessor(LayoutCode.SuccessorPackFn f, long[] slots, ulong[] words, ulong[] parent)
    {
        fixed (long* s = slots)
        fixed (ulong* w = words)
        fixed (ulong* p = parent)
            return f(s, w, p);
    }

    private static unsafe void Pack(LayoutCode.PackFn f, long[] slots, ulong[] words)
    {
        fixed (long* s = slots)
        fixed (ulong* w = words)
            f(s, w);
    }

    private static long RandomValue(StateLayout layout, int k, Random rnd)
    {
        int bits = layout.Bits[k];
        ulong code = bits == 0 ? 0 : bits == 64 ? (ulong)rnd.NextInt64() * 3 : (ulong)rnd.NextInt64() & ((1UL << bits) - 1);
        return layout.Codec[k] switch
        {
            SlotCodec.Plain => (long)code + layout.Lo[k],
            SlotCodec.Option => code == 0 ? TypeOps.NoneValue : (long)code - 1 + layout.Lo[k],
            _ => (long)(code << (int)layout.Lo[k]),
        };
    }

    [Fact]
    public void Fingerprints_are_stable_across_runs()
    {
        // Fixed values: a change here means stored traces and golden files would change too.
        Assert.Equal(0xA084FFE9226B4427UL, Fingerprint.Of([0UL]));
        Assert.Equal(0x4C09D4C6D7B6FB31UL, Fingerprint.Of([3UL]));
        Assert.NotEqual(Fingerprint.Of([1UL, 2UL]), Fingerprint.Of([2UL, 1UL]));
    }

    private sealed class CompiledSpecProbe(string yaml)
    {
        public StateLayout Layout { get; } = new SpecTransitionSystem(SpecHarness.Load(yaml)).Compiled.Layout;
    }
}
