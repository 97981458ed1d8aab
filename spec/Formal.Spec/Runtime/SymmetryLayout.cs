using Formal.Spec.Ir;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// How the objects of the symmetric pools appear in the unpacked state: each leaf slot may be
/// keyed by pool objects (a map over a pool: `vma[v].start` is keyed by v) and its value may
/// refer to pool objects (a pool value, an option of one, a set of them). Built once per spec.
internal sealed class SymmetryLayout
{
    public const byte NoRef = 0, Ref = 1, OptRef = 2, SetRef = 3;

    public SymmetryLayout(IReadOnlyList<VarIr> vars, IReadOnlyList<PoolTy> pools)
    {
        Pools = pools.ToArray();
        var keyStart = new List<int>();
        var keyCount = new List<int>();
        var keyPool = new List<int>();
        var keyIndex = new List<int>();
        var keyStride = new List<int>();
        var kind = new List<byte>();
        var valuePool = new List<int>();
        var stack = new List<(int Pool, int Index, int Stride)>();

        void Walk(Ty t)
        {
            switch (t)
            {
                case MapTy m:
                {
                    int n = (int)TypeOps.KeyCount(m.Key);
                    int stride = TypeOps.Width(m.Value);
                    int pool = m.Key is PoolTy pk ? PoolId(pk) : -1;
                    for (int i = 0; i < n; i++)
                    {
                        if (pool >= 0) stack.Add((pool, i, stride));
                        Walk(m.Value);
                        if (pool >= 0) stack.RemoveAt(stack.Count - 1);
                    }
                    break;
                }
                case RecordTy r:
                    foreach (var f in r.Fields) Walk(f.Type);
                    break;
                case SeqTy q:
                    Leaf(NoRef, -1);
                    for (int i = 0; i < q.Capacity; i++) Walk(q.Elem);
                    break;
                case OptionTy o when !TypeOps.IsScalar(o):
                    Leaf(NoRef, -1);
                    Walk(o.Inner);
                    break;
                case PoolTy p when PoolId(p) >= 0: Leaf(Ref, PoolId(p)); break;
                case OptionTy { Inner: PoolTy p } when PoolId(p) >= 0: Leaf(OptRef, PoolId(p)); break;
                case SetTy { Elem: PoolTy p } when PoolId(p) >= 0: Leaf(SetRef, PoolId(p)); break;
                default: Leaf(NoRef, -1); break;
            }
        }

        void Leaf(byte k, int pool)
        {
            keyStart.Add(keyPool.Count);
            keyCount.Add(stack.Count);
            foreach (var (p, i, s) in stack)
            {
                keyPool.Add(p);
                keyIndex.Add(i);
                keyStride.Add(s);
            }
            kind.Add(k);
            valuePool.Add(pool);
        }

        foreach (var v in vars) Walk(v.Type);
        _defaults = vars.SelectMany(v => StateLayout.DefaultSlots(v.Type)).ToArray();

        KeyStart = keyStart.ToArray();
        KeyCount = keyCount.ToArray();
        KeyPool = keyPool.ToArray();
        KeyIndex = keyIndex.ToArray();
        KeyStride = keyStride.ToArray();
        Kind = kind.ToArray();
        ValuePool = valuePool.ToArray();
        Slots = Kind.Length;
        RelHash = new ulong[Slots];
        RefHash = new ulong[Slots];
        SetHash = new ulong[Slots];
        for (int s = 0; s < Slots; s++)
        {
            long rel = s;
            for (int k = KeyStart[s]; k < KeyStart[s] + KeyCount[s]; k++) rel -= (long)KeyIndex[k] * KeyStride[k];
            RelHash[s] = Mix.Hash((ulong)rel * 0x9E3779B97F4A7C15UL + 0x1234567UL);
            RefHash[s] = Mix.Hash(RelHash[s] ^ 0xABCDEFUL);
            SetHash[s] = Mix.Hash(RelHash[s] ^ 0xFEDCBAUL);
        }
        // Most slots are keyed by exactly one object (a field of vma[v]): their key, unpacked.
        OwnerPool = new int[Slots];
        OwnerIndex = new int[Slots];
        for (int i = 0; i < Slots; i++)
        {
            OwnerPool[i] = KeyCount[i] == 1 ? KeyPool[KeyStart[i]] : KeyCount[i] == 0 ? -1 : -2;
            if (KeyCount[i] != 1) continue;
            OwnerIndex[i] = KeyIndex[KeyStart[i]];
        }
        // A slot keyed by one object and referring to none tells that object the same thing in
        // every round of colour refinement; only the others need revisiting.
        Fixed = Enumerable.Range(0, Slots).Where(i => Kind[i] == NoRef && KeyCount[i] == 1).ToArray();
        Varying = Enumerable.Range(0, Slots).Where(i => Kind[i] != NoRef || KeyCount[i] > 1).ToArray();
        KeyPosHash = new ulong[KeyPool.Length];
        KeyRelHash = new ulong[KeyPool.Length];
        for (int s = 0; s < Slots; s++)
            for (int k = KeyStart[s]; k < KeyStart[s] + KeyCount[s]; k++)
            {
                KeyPosHash[k] = Mix.Hash((ulong)(k - KeyStart[s]) + 0x632BE59BD9B4E019UL);
                KeyRelHash[k] = Mix.Hash(RelHash[s] ^ (ulong)(k - KeyStart[s] + 1));
            }
    }

    private SymmetryCode.BlankFn? _blankCode;
    private SymmetryCode.PermuteFn? _permuteCode;

    /// <see cref="Blank"/> and <see cref="Permute"/> compiled for this layout (on first use).
    public SymmetryCode.BlankFn BlankCode() => _blankCode ??= SymmetryCode.Blank(this, _defaults);

    public SymmetryCode.PermuteFn PermuteCode() => _permuteCode ??= SymmetryCode.Permute(this, _defaults);

    // Every slot's default value, in the state layout's order (its Defaults).
    private readonly long[] _defaults;

    private RefinementCode.TouchFn? _touchCode;
    private RefinementCode.RoundFn? _roundCode, _firstRoundCode;

    /// Colour refinement's passes compiled for this layout; null when a slot is keyed by
    /// several objects (the generic loops then run).
    public RefinementCode.TouchFn? TouchCode() => RefinementCode.Applies(this) ? _touchCode ??= RefinementCode.Touch(this) : null;

    public RefinementCode.RoundFn? RoundCode() => RefinementCode.Applies(this) ? _roundCode ??= RefinementCode.Round(this) : null;

    /// The first round, specialised for the initial colours (see <see cref="RefinementCode.Round"/>).
    public RefinementCode.RoundFn? FirstRoundCode() => RefinementCode.Applies(this) ? _firstRoundCode ??= RefinementCode.Round(this, first: true) : null;

    private int PoolId(PoolTy p)
    {
        for (int i = 0; i < Pools.Length; i++)
            if (Pools[i].Name == p.Name) return i;
        return -1;
    }

    public PoolTy[] Pools { get; }
    /// Per slot: the pool of its only key (-1: no key, -2: several), and that key's index.
    public int[] OwnerPool { get; }
    public int[] OwnerIndex { get; }
    /// Slots keyed by exactly one object that refer to no object (most record fields).
    public int[] Fixed { get; }
    /// Slots that refer to objects or are keyed by several (the rest carry no object information).
    public int[] Varying { get; }
    public int Slots { get; }
    public int[] KeyStart { get; }
    public int[] KeyCount { get; }
    public int[] KeyPool { get; }
    public int[] KeyIndex { get; }
    public int[] KeyStride { get; }
    public byte[] Kind { get; }
    public int[] ValuePool { get; }
    /// A hash of the slot's position relative to its pool keys ("the start field of some VMA").
    public ulong[] RelHash { get; }
    /// Per-slot constants for colour refinement: what a slot tells the object it refers to
    /// (<see cref="RefHash"/>, <see cref="SetHash"/>), and per key: its position among the
    /// slot's keys and what the slot tells that key's object (<see cref="KeyRelHash"/>).
    public ulong[] RefHash { get; }
    public ulong[] SetHash { get; }
    public ulong[] KeyPosHash { get; }
    public ulong[] KeyRelHash { get; }

    /// Marks blank objects (every slot keyed by them at its default) and the slots that belong to
    /// a blank object (those are ignored: their default references single nothing out).
    public void Blank(ReadOnlySpan<long> slots, long[] defaults, bool[][] blank, bool[] slotBlank)
    {
        foreach (var b in blank) Array.Fill(b, true);
        for (int i = 0; i < Slots; i++)
            if (slots[i] != defaults[i])
                for (int k = KeyStart[i]; k < KeyStart[i] + KeyCount[i]; k++) blank[KeyPool[k]][KeyIndex[k]] = false;
        for (int i = 0; i < Slots; i++)
        {
            bool ignored = false;
            for (int k = KeyStart[i]; k < KeyStart[i] + KeyCount[i]; k++) ignored |= blank[KeyPool[k]][KeyIndex[k]];
            slotBlank[i] = ignored;
        }
    }

    /// Writes the state with every pool's objects renumbered by perm (old index -> new index);
    /// slots of blank objects become defaults.
    public void Permute(ReadOnlySpan<long> slots, int[][] perm, bool[] slotBlank, long[] defaults, Span<long> dst)
    {
        for (int i = 0; i < Slots; i++)
        {
            long v = slots[i];
            int pos = i;
            for (int k = KeyStart[i]; k < KeyStart[i] + KeyCount[i]; k++)
            {
                int idx = KeyIndex[k];
                pos += (perm[KeyPool[k]][idx] - idx) * KeyStride[k];
            }
            if (slotBlank[i]) v = defaults[i];
            else switch (Kind[i])
            {
                case Ref: v = perm[ValuePool[i]][v]; break;
                case OptRef: if (v != TypeOps.NoneValue) v = perm[ValuePool[i]][v]; break;
                case SetRef:
                {
                    long r = 0;
                    var pm = perm[ValuePool[i]];
                    for (ulong b = (ulong)v; b != 0; b &= b - 1) r |= 1L << pm[System.Numerics.BitOperations.TrailingZeroCount(b)];
                    v = r;
                    break;
                }
            }
            dst[pos] = v;
        }
    }
}

/// 64-bit mixing for colour refinement (deterministic; never GetHashCode).
internal static class Mix
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ulong x)
    {
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x;
    }

    public static ulong Hash(ulong a, ulong b) => Hash(a * 0x9E3779B97F4A7C15UL ^ Hash(b + 0x632BE59BD9B4E019UL));
}
