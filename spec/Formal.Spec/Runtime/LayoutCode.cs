using System.Reflection.Emit;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// Packing and unpacking compiled for one layout: straight-line IL with every slot's word,
/// shift, mask and codec as constants, over pointers (the callers pin their spans). The generic
/// loops in <see cref="StateLayout"/> look all of these up per slot; states are packed and
/// unpacked about a million times per second per worker.
internal static unsafe class LayoutCode
{
    public delegate void PackFn(long* slots, ulong* words);
    public delegate void UnpackFn(ulong* words, long* slots);

    public static UnpackFn Unpacker(StateLayout l)
    {
        var dm = new DynamicMethod("unpack", typeof(void), [typeof(ulong*), typeof(long*)], typeof(LayoutCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        for (int i = 0; i < l.Slots; i++)
        {
            int w = l.Bits[i];
            // slots[i] = ...
            IlEmit.Address(il, 1, i, sizeof(long));
            if (w == 0)
            {
                // No bits: the code is 0.
                long v = l.Codec[i] switch { SlotCodec.Plain => l.Lo[i], SlotCodec.Option => TypeOps.NoneValue, _ => 0 };
                il.Emit(OpCodes.Ldc_I8, v);
                il.Emit(OpCodes.Stind_I8);
                continue;
            }
            int p = l.BitPos[i], word = p >> 6, shift = p & 63;
            IlEmit.Load(il, 0, word, sizeof(ulong), OpCodes.Ldind_I8);
            if (shift > 0)
            {
                il.Emit(OpCodes.Ldc_I4, shift);
                il.Emit(OpCodes.Shr_Un);
            }
            if (shift + w > 64)
            {
                IlEmit.Load(il, 0, word + 1, sizeof(ulong), OpCodes.Ldind_I8);
                il.Emit(OpCodes.Ldc_I4, 64 - shift);
                il.Emit(OpCodes.Shl);
                il.Emit(OpCodes.Or);
            }
            if (w < 64)
            {
                il.Emit(OpCodes.Ldc_I8, (long)((1UL << w) - 1));
                il.Emit(OpCodes.And);
            }
            switch (l.Codec[i])
            {
                case SlotCodec.Plain:
                    if (l.Lo[i] != 0)
                    {
                        il.Emit(OpCodes.Ldc_I8, l.Lo[i]);
                        il.Emit(OpCodes.Add);
                    }
                    break;
                case SlotCodec.Option:
                {
                    // code == 0 ? none : code - 1 + lo
                    var some = il.DefineLabel();
                    var done = il.DefineLabel();
                    il.Emit(OpCodes.Dup);
                    il.Emit(OpCodes.Brtrue, some);
                    il.Emit(OpCodes.Pop);
                    il.Emit(OpCodes.Ldc_I8, TypeOps.NoneValue);
                    il.Emit(OpCodes.Br, done);
                    il.MarkLabel(some);
                    il.Emit(OpCodes.Ldc_I8, l.Lo[i] - 1);
                    il.Emit(OpCodes.Add);
                    il.MarkLabel(done);
                    break;
                }
                default:
                    if (l.Lo[i] != 0)
                    {
                        il.Emit(OpCodes.Ldc_I4, (int)l.Lo[i]);
                        il.Emit(OpCodes.Shl);
                    }
                    break;
            }
            il.Emit(OpCodes.Stind_I8);
        }
        il.Emit(OpCodes.Ret);
        return (UnpackFn)dm.CreateDelegate(typeof(UnpackFn));
    }

    public static PackFn Packer(StateLayout l)
    {
        var dm = new DynamicMethod("pack", typeof(void), [typeof(long*), typeof(ulong*)], typeof(LayoutCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        // One accumulator per word, stored once at the end.
        var acc = new LocalBuilder[l.Words];
        for (int j = 0; j < l.Words; j++)
        {
            acc[j] = il.DeclareLocal(typeof(ulong));
            il.Emit(OpCodes.Ldc_I8, 0L);
            il.Emit(OpCodes.Stloc, acc[j]);
        }
        var code = il.DeclareLocal(typeof(ulong));
        for (int i = 0; i < l.Slots; i++)
        {
            int w = l.Bits[i];
            if (w == 0) continue;
            IlEmit.Load(il, 0, i, sizeof(long), OpCodes.Ldind_I8);
            switch (l.Codec[i])
            {
                case SlotCodec.Plain:
                    if (l.Lo[i] != 0)
                    {
                        il.Emit(OpCodes.Ldc_I8, l.Lo[i]);
                        il.Emit(OpCodes.Sub);
                    }
                    break;
                case SlotCodec.Option:
                {
                    // v == none ? 0 : v - lo + 1
                    var some = il.DefineLabel();
                    var done = il.DefineLabel();
                    il.Emit(OpCodes.Dup);
                    il.Emit(OpCodes.Ldc_I8, TypeOps.NoneValue);
                    il.Emit(OpCodes.Bne_Un, some);
                    il.Emit(OpCodes.Pop);
                    il.Emit(OpCodes.Ldc_I8, 0L);
                    il.Emit(OpCodes.Br, done);
                    il.MarkLabel(some);
                    il.Emit(OpCodes.Ldc_I8, 1 - l.Lo[i]);
                    il.Emit(OpCodes.Add);
                    il.MarkLabel(done);
                    break;
                }
                default:
                    if (l.Lo[i] != 0)
                    {
                        il.Emit(OpCodes.Ldc_I4, (int)l.Lo[i]);
                        il.Emit(OpCodes.Shr_Un);
                    }
                    break;
            }
            if (w < 64)
            {
                il.Emit(OpCodes.Ldc_I8, (long)((1UL << w) - 1));
                il.Emit(OpCodes.And);
            }
            il.Emit(OpCodes.Stloc, code);
            int p = l.BitPos[i], word = p >> 6, shift = p & 63;
            OrInto(il, acc[word], code, shift, left: true);
            if (shift + w > 64) OrInto(il, acc[word + 1], code, 64 - shift, left: false);
        }
        for (int j = 0; j < l.Words; j++)
        {
            IlEmit.Address(il, 1, j, sizeof(ulong));
            il.Emit(OpCodes.Ldloc, acc[j]);
            il.Emit(OpCodes.Stind_I8);
        }
        il.Emit(OpCodes.Ret);
        return (PackFn)dm.CreateDelegate(typeof(PackFn));
    }


    // acc |= code << shift (or >> shift for the high part of a slot that straddles two words)
    private static void OrInto(ILGenerator il, LocalBuilder acc, LocalBuilder code, int shift, bool left)
    {
        il.Emit(OpCodes.Ldloc, acc);
        il.Emit(OpCodes.Ldloc, code);
        if (shift > 0)
        {
            il.Emit(OpCodes.Ldc_I4, shift);
            il.Emit(left ? OpCodes.Shl : OpCodes.Shr_Un);
        }
        il.Emit(OpCodes.Or);
        il.Emit(OpCodes.Stloc, acc);
    }
}
