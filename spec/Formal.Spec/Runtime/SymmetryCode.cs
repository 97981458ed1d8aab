using System.Reflection;
using System.Reflection.Emit;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// <see cref="SymmetryLayout.Blank"/> and <see cref="SymmetryLayout.Permute"/> compiled for one
/// layout: straight-line IL over pointers with each slot's keys, strides, reference kind and
/// default as constants (the generic loops look them up per slot, once or twice per
/// canonicalization). Objects are numbered flat: pool p's object k is Base[p] + k.
internal static unsafe class SymmetryCode
{
    /// Marks blank objects (blank[o] = 1) and the slots of blank objects (slotBlank[i] = 1).
    public delegate void BlankFn(long* slots, byte* blank, byte* slotBlank);

    /// dst = the state renumbered by perm (flat: old object -> new index within its pool).
    public delegate void PermuteFn(long* slots, int* perm, byte* slotBlank, long* dst);

    public static int[] Bases(SymmetryLayout s)
    {
        var b = new int[s.Pools.Length + 1];
        for (int p = 0; p < s.Pools.Length; p++) b[p + 1] = b[p] + s.Pools[p].Size;
        return b;
    }

    public static BlankFn Blank(SymmetryLayout s, long[] defaults)
    {
        var bases = Bases(s);
        var dm = new DynamicMethod("blank", typeof(void), [typeof(long*), typeof(byte*), typeof(byte*)], typeof(SymmetryCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        for (int o = 0; o < bases[^1]; o++) IlEmit.StoreByte(il, 1, o, 1);
        for (int i = 0; i < s.Slots; i++)
        {
            if (s.KeyCount[i] == 0) continue;
            // if (slots[i] != default) blank[key] = 0 for every key
            var same = il.DefineLabel();
            IlEmit.Load(il, 0, i, 8, OpCodes.Ldind_I8);
            il.Emit(OpCodes.Ldc_I8, defaults[i]);
            il.Emit(OpCodes.Beq, same);
            for (int k = s.KeyStart[i]; k < s.KeyStart[i] + s.KeyCount[i]; k++) IlEmit.StoreByte(il, 1, bases[s.KeyPool[k]] + s.KeyIndex[k], 0);
            il.MarkLabel(same);
        }
        for (int i = 0; i < s.Slots; i++)
        {
            // slotBlank[i] = OR of blank[key] (0 without keys)
            IlEmit.Address(il, 2, i, 1);
            if (s.KeyCount[i] == 0) il.Emit(OpCodes.Ldc_I4_0);
            for (int k = s.KeyStart[i]; k < s.KeyStart[i] + s.KeyCount[i]; k++)
            {
                IlEmit.Load(il, 1, bases[s.KeyPool[k]] + s.KeyIndex[k], 1, OpCodes.Ldind_U1);
                if (k > s.KeyStart[i]) il.Emit(OpCodes.Or);
            }
            il.Emit(OpCodes.Stind_I1);
        }
        il.Emit(OpCodes.Ret);
        return (BlankFn)dm.CreateDelegate(typeof(BlankFn));
    }

    private static readonly MethodInfo PermuteSetMethod = typeof(SymmetryCode).GetMethod(nameof(PermuteSet), BindingFlags.Static | BindingFlags.NonPublic)!;

    private static long PermuteSet(long v, int* perm)
    {
        long r = 0;
        for (ulong b = (ulong)v; b != 0; b &= b - 1) r |= 1L << perm[System.Numerics.BitOperations.TrailingZeroCount(b)];
        return r;
    }

    public static PermuteFn Permute(SymmetryLayout s, long[] defaults)
    {
        var bases = Bases(s);
        var dm = new DynamicMethod("permute", typeof(void), [typeof(long*), typeof(int*), typeof(byte*), typeof(long*)], typeof(SymmetryCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        var pos = il.DeclareLocal(typeof(int));
        var v = il.DeclareLocal(typeof(long));
        for (int i = 0; i < s.Slots; i++)
        {
            // pos = i + sum over keys of (perm[key] - index) * stride
            il.Emit(OpCodes.Ldc_I4, i);
            for (int k = s.KeyStart[i]; k < s.KeyStart[i] + s.KeyCount[i]; k++)
            {
                IlEmit.Load(il, 1, bases[s.KeyPool[k]] + s.KeyIndex[k], 4, OpCodes.Ldind_I4);
                if (s.KeyIndex[k] != 0)
                {
                    il.Emit(OpCodes.Ldc_I4, s.KeyIndex[k]);
                    il.Emit(OpCodes.Sub);
                }
                if (s.KeyStride[k] != 1)
                {
                    il.Emit(OpCodes.Ldc_I4, s.KeyStride[k]);
                    il.Emit(OpCodes.Mul);
                }
                il.Emit(OpCodes.Add);
            }
            il.Emit(OpCodes.Stloc, pos);
            // v = slotBlank[i] ? default : mapped(slots[i])
            var done = il.DefineLabel();
            if (s.KeyCount[i] > 0)
            {
                var live = il.DefineLabel();
                IlEmit.Load(il, 2, i, 1, OpCodes.Ldind_U1);
                il.Emit(OpCodes.Brfalse, live);
                il.Emit(OpCodes.Ldc_I8, defaults[i]);
                il.Emit(OpCodes.Stloc, v);
                il.Emit(OpCodes.Br, done);
                il.MarkLabel(live);
            }
            IlEmit.Load(il, 0, i, 8, OpCodes.Ldind_I8);
            il.Emit(OpCodes.Stloc, v);
            int vb = s.ValuePool[i] >= 0 ? bases[s.ValuePool[i]] : 0;
            switch (s.Kind[i])
            {
                case SymmetryLayout.Ref:
                    MapRef(il, v, vb);
                    break;
                case SymmetryLayout.OptRef:
                    IlEmit.IfNone(il, v, done);
                    MapRef(il, v, vb);
                    break;
                case SymmetryLayout.SetRef:
                    il.Emit(OpCodes.Ldloc, v);
                    IlEmit.Address(il, 1, vb, sizeof(int));
                    il.Emit(OpCodes.Call, PermuteSetMethod);
                    il.Emit(OpCodes.Stloc, v);
                    break;
            }
            il.MarkLabel(done);
            // dst[pos] = v
            il.Emit(OpCodes.Ldarg_3);
            il.Emit(OpCodes.Ldloc, pos);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Ldc_I4_8);
            il.Emit(OpCodes.Mul);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Ldloc, v);
            il.Emit(OpCodes.Stind_I8);
        }
        il.Emit(OpCodes.Ret);
        return (PermuteFn)dm.CreateDelegate(typeof(PermuteFn));
    }

    // v = perm[base + v]
    private static void MapRef(ILGenerator il, LocalBuilder v, int poolBase)
    {
        IlEmit.DynamicAddress(il, 1, poolBase, v, sizeof(int));
        il.Emit(OpCodes.Ldind_I4);
        il.Emit(OpCodes.Conv_I8);
        il.Emit(OpCodes.Stloc, v);
    }




}
