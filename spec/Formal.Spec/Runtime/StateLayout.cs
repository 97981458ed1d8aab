using System.Numerics;
using Formal.Spec.Ir;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// How a leaf slot is encoded into bits: code = value - Lo (plain), 0/1+(value-Lo) (option of
/// a scalar; 0 means none), or the set mask shifted right by Lo (integer sets).
public enum SlotCodec : byte { Plain, Option, SetShift }

/// Where every state variable lives in the unpacked state (one 64-bit slot per scalar leaf) and
/// how the state packs into a few 64-bit words for storage and fingerprinting.
public sealed class StateLayout
{
    public StateLayout(IReadOnlyList<VarIr> vars)
    {
        var offsets = new int[vars.Count];
        var codecs = new List<(SlotCodec Codec, long Lo, int Bits, long Default)>();
        for (int i = 0; i < vars.Count; i++)
        {
            offsets[i] = codecs.Count;
            AddLeaves(vars[i].Type, codecs);
        }
        VarOffsets = offsets;
        Slots = codecs.Count;
        Codec = codecs.Select(c => c.Codec).ToArray();
        Lo = codecs.Select(c => c.Lo).ToArray();
        Bits = codecs.Select(c => (byte)c.Bits).ToArray();
        Defaults = codecs.Select(c => c.Default).ToArray();
        BitPos = new int[Slots];
        int pos = 0;
        for (int i = 0; i < Slots; i++)
        {
            BitPos[i] = pos;
            pos += Bits[i];
        }
        TotalBits = pos;
        Words = Math.Max(1, (pos + 63) / 64);
    }

    public int[] VarOffsets { get; }
    public int Slots { get; }
    public int Words { get; }
    public int TotalBits { get; }
    public SlotCodec[] Codec { get; }
    public long[] Lo { get; }
    public byte[] Bits { get; }
    public int[] BitPos { get; }
    public long[] Defaults { get; }

    public static int BitsFor(ulong count) => count <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount(count - 1);

    /// The leaf slots of a type in layout order, each with its codec, lower bound, bit width and
    /// default (zero) value.
    public static void AddLeaves(Ty t, List<(SlotCodec, long, int, long)> into)
    {
        switch (t)
        {
            case BoolTy: into.Add((SlotCodec.Plain, 0, 1, 0)); break;
            case IntTy i: into.Add((SlotCodec.Plain, i.Lo, BitsFor((ulong)i.Count), i.Lo)); break;
            case EnumTy e: into.Add((SlotCodec.Plain, 0, BitsFor((ulong)e.Members.Count), 0)); break;
            case PoolTy p: into.Add((SlotCodec.Plain, 0, BitsFor((ulong)p.Size), 0)); break;
            case SetTy s:
            {
                var (lo, n) = SetBitRange(s.Elem);
                into.Add((SlotCodec.SetShift, lo, n, 0));
                break;
            }
            case OptionTy o when TypeOps.IsScalarOptionInner(o.Inner):
            {
                var card = TypeOps.Cardinality(o.Inner) ?? 1;
                long lo = o.Inner is IntTy it ? it.Lo : 0;
                into.Add((SlotCodec.Option, lo, BitsFor(card + 1), TypeOps.NoneValue));
                break;
            }
            case OptionTy o:
                into.Add((SlotCodec.Plain, 0, 1, 0));
                AddLeaves(o.Inner, into);
                break;
            case RecordTy r:
                foreach (var f in r.Fields) AddLeaves(f.Type, into);
                break;
            case MapTy m:
            {
                long n = TypeOps.KeyCount(m.Key);
                for (long k = 0; k < n; k++) AddLeaves(m.Value, into);
                break;
            }
            case SeqTy q:
                into.Add((SlotCodec.Plain, 0, BitsFor((ulong)q.Capacity + 1), 0));
                for (int k = 0; k < q.Capacity; k++) AddLeaves(q.Elem, into);
                break;
            default:
                into.Add((SlotCodec.Plain, 0, 0, 0));
                break;
        }
    }

    /// The bit positions a set of this element type may use: first position and count.
    public static (long Lo, int Count) SetBitRange(Ty elem) => elem switch
    {
        BoolTy => (0, 2),
        EnumTy e => (0, e.Members.Count),
        PoolTy p => (0, p.Size),
        IntTy i when i.IsFinite => (i.Lo, (int)i.Count),
        _ => (0, 64),
    };

    /// The default value of a type as its slot values (false, lowest value, none, empty).
    public static long[] DefaultSlots(Ty t)
    {
        var leaves = new List<(SlotCodec, long, int, long)>();
        AddLeaves(t, leaves);
        return leaves.Select(l => l.Item4).ToArray();
    }

    private LayoutCode.PackFn? _pack;
    private LayoutCode.UnpackFn? _unpack;
    private LayoutCode.SuccessorPackFn? _packSuccessor, _packSuccessorKey;

    /// The compiled successor packer (see <see cref="LayoutCode.SuccessorPacker"/>), for callers
    /// that hold pinned memory; with <paramref name="key"/> it returns <see cref="Fingerprint.Key"/>.
    internal LayoutCode.SuccessorPackFn SuccessorPacker(bool key) => key
        ? _packSuccessorKey ??= LayoutCode.SuccessorPacker(this, key: true)
        : _packSuccessor ??= LayoutCode.SuccessorPacker(this, key: false);

    /// Packs the first <see cref="Slots"/> slots into the first <see cref="Words"/> words
    /// (compiled for this layout on first use).
    public unsafe void Pack(ReadOnlySpan<long> slots, Span<ulong> words)
    {
        if (slots.Length < Slots || words.Length < Words) throw new ArgumentException("span too short for the layout");
        var f = _pack ??= LayoutCode.Packer(this);
        fixed (long* s = slots)
        fixed (ulong* w = words)
            f(s, w);
    }

    public unsafe void Unpack(ReadOnlySpan<ulong> words, Span<long> slots)
    {
        if (slots.Length < Slots || words.Length < Words) throw new ArgumentException("span too short for the layout");
        var f = _unpack ??= LayoutCode.Unpacker(this);
        fixed (ulong* w = words)
        fixed (long* s = slots)
            f(w, s);
    }

    /// The generic (interpreted) packing, the specification of the compiled one.
    internal void PackSlowly(ReadOnlySpan<long> slots, Span<ulong> words)
    {
        words.Clear();
        var codec = Codec;
        var lo = Lo;
        var bits = Bits;
        var pos = BitPos;
        for (int i = 0; i < codec.Length; i++)
        {
            int w = bits[i];
            if (w == 0) continue;
            long v = slots[i];
            ulong code = codec[i] switch
            {
                SlotCodec.Plain => (ulong)(v - lo[i]),
                SlotCodec.Option => v == TypeOps.NoneValue ? 0UL : (ulong)(v - lo[i]) + 1,
                _ => (ulong)v >> (int)lo[i],
            };
            if (w < 64) code &= (1UL << w) - 1;
            int p = pos[i];
            int word = p >> 6, shift = p & 63;
            words[word] |= code << shift;
            if (shift + w > 64) words[word + 1] |= code >> (64 - shift);
        }
    }

    internal void UnpackSlowly(ReadOnlySpan<ulong> words, Span<long> slots)
    {
        var codec = Codec;
        var lo = Lo;
        var bits = Bits;
        var pos = BitPos;
        for (int i = 0; i < codec.Length; i++)
        {
            int w = bits[i];
            ulong code = 0;
            if (w > 0)
            {
                int p = pos[i];
                int word = p >> 6, shift = p & 63;
                code = words[word] >> shift;
                if (shift + w > 64) code |= words[word + 1] << (64 - shift);
                if (w < 64) code &= (1UL << w) - 1;
            }
            slots[i] = codec[i] switch
            {
                SlotCodec.Plain => (long)code + lo[i],
                SlotCodec.Option => code == 0 ? TypeOps.NoneValue : (long)code - 1 + lo[i],
                _ => (long)(code << (int)lo[i]),
            };
        }
    }
}
