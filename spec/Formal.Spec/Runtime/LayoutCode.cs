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
    /// Packs a successor and returns its fingerprint, or 0 when it equals the parent's words.
    public delegate ulong SuccessorPackFn(long* slots, ulong* words, ulong* parent);
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

    /// <param name="vector">pack runs of slots with AVX2 where the CPU has it (tests turn it off
    /// to check the scalar code too)</param>
    public static PackFn Packer(StateLayout l, bool vector = true)
    {
        var dm = new DynamicMethod("pack", typeof(void), [typeof(long*), typeof(ulong*)], typeof(LayoutCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        EmitPack(il, l, vector);
        il.Emit(OpCodes.Ret);
        return (PackFn)dm.CreateDelegate(typeof(PackFn));
    }

    /// The packer of successors: packing, the comparison with the parent and the fingerprint
    /// (<see cref="Fingerprint.Of"/>, or with <paramref name="key"/> <see cref="Fingerprint.Key"/>,
    /// over the words while they are still in registers) in one call. Separately they were a
    /// fifth of the generator's own time on anon_vma.
    public static SuccessorPackFn SuccessorPacker(StateLayout l, bool key, bool vector = true)
    {
        var dm = new DynamicMethod("pack_successor", typeof(ulong), [typeof(long*), typeof(ulong*), typeof(ulong*)], typeof(LayoutCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        var acc = EmitPack(il, l, vector);
        // Equal to the parent: every word's XOR with the parent's is 0.
        var differs = il.DefineLabel();
        for (int j = 0; j < l.Words; j++)
        {
            il.Emit(OpCodes.Ldloc, acc[j]);
            IlEmit.Load(il, 2, j, sizeof(ulong), OpCodes.Ldind_I8);
            il.Emit(OpCodes.Bne_Un, differs);
        }
        il.Emit(OpCodes.Ldc_I8, 0L);
        il.Emit(OpCodes.Ret);
        il.MarkLabel(differs);
        if (key) EmitKey(il, l, acc);
        else EmitFingerprint(il, l, acc);
        // 0 is the seen set's empty slot (and here the answer for "the parent"): 1 instead.
        var nonZero = il.DefineLabel();
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Brtrue, nonZero);
        il.Emit(OpCodes.Pop);
        il.Emit(OpCodes.Ldc_I8, 1L);
        il.MarkLabel(nonZero);
        il.Emit(OpCodes.Ret);
        return (SuccessorPackFn)dm.CreateDelegate(typeof(SuccessorPackFn));
    }

    // Fingerprint.Of before its final test for 0: h stays on the stack, h = Seed ^ words; per
    // word k = word * M1, k ^= k >> 31, k *= M2, h = (h ^ k) * M3, h ^= h >> 32; then the
    // murmur3 finaliser.
    private static void EmitFingerprint(ILGenerator il, StateLayout l, LocalBuilder[] acc)
    {
        il.Emit(OpCodes.Ldc_I8, unchecked((long)(Fingerprint.Seed ^ (ulong)l.Words)));
        for (int j = 0; j < l.Words; j++)
        {
            il.Emit(OpCodes.Ldloc, acc[j]);
            Multiply(il, Fingerprint.M1);
            IlEmit.XorShift(il, 31);
            Multiply(il, Fingerprint.M2);
            il.Emit(OpCodes.Xor);
            Multiply(il, Fingerprint.M3);
            IlEmit.XorShift(il, 32);
        }
        IlEmit.XorShift(il, 33);
        Multiply(il, Fingerprint.M3);
        IlEmit.XorShift(il, 33);
        Multiply(il, Fingerprint.M4);
        IlEmit.XorShift(il, 33);
    }

    // Fingerprint.Key before its final test for 0.
    private static void EmitKey(ILGenerator il, StateLayout l, LocalBuilder[] acc)
    {
        il.Emit(OpCodes.Ldc_I8, unchecked((long)(Fingerprint.KeySeed ^ (ulong)l.Words)));
        for (int j = 0; j < l.Words; j++)
        {
            il.Emit(OpCodes.Ldloc, acc[j]);
            il.Emit(OpCodes.Ldc_I8, unchecked((long)((ulong)(j + 1) * Fingerprint.KeyPosition)));
            il.Emit(OpCodes.Xor);
            IlEmit.XorShift(il, 33);
            Multiply(il, Fingerprint.M3);
            IlEmit.XorShift(il, 33);
            Multiply(il, Fingerprint.M4);
            IlEmit.XorShift(il, 33);
            il.Emit(OpCodes.Add);
        }
    }

    private static void Multiply(ILGenerator il, ulong by)
    {
        il.Emit(OpCodes.Ldc_I8, unchecked((long)by));
        il.Emit(OpCodes.Mul);
    }

    // Packs argument 0 (slots) into argument 1 (words); the words stay in the returned locals.
    private static LocalBuilder[] EmitPack(ILGenerator il, StateLayout l, bool vector)
    {
        // One accumulator per word, stored once at the end.
        var acc = new LocalBuilder[l.Words];
        for (int j = 0; j < l.Words; j++)
        {
            acc[j] = il.DeclareLocal(typeof(ulong));
            il.Emit(OpCodes.Ldc_I8, 0L);
            il.Emit(OpCodes.Stloc, acc[j]);
        }
        var code = il.DeclareLocal(typeof(ulong));
        // Runs of four slots in one word go through the vector accumulators (VectorPack).
        var blocks = new bool[l.Slots];
        var vectors = new LocalBuilder?[l.Words];
        LocalBuilder? raw = null;
        foreach (int i in vector && VectorPack.Supported ? VectorPack.Blocks(l) : [])
        {
            int word = l.BitPos[i] >> 6;
            if (vectors[word] is null)
            {
                vectors[word] = il.DeclareLocal(typeof(System.Runtime.Intrinsics.Vector256<ulong>));
                VectorPack.EmitZero(il, vectors[word]!);
            }
            raw ??= il.DeclareLocal(typeof(System.Runtime.Intrinsics.Vector256<ulong>));
            VectorPack.EmitBlock(il, l, i, vectors[word]!, raw);
            for (int k = 0; k < VectorPack.Lanes; k++) blocks[i + k] = true;
        }
        for (int j = 0; j < l.Words; j++)
        {
            if (vectors[j] is null) continue;
            VectorPack.EmitLanesOr(il, vectors[j]!);
            il.Emit(OpCodes.Stloc, acc[j]);
        }
        for (int i = 0; i < l.Slots; i++)
        {
            int w = l.Bits[i];
            if (w == 0 || blocks[i]) continue;
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
            // No mask: a slot holds a value of its type (assignments are range-checked, and
            // encoded states are checked too), whose code fits the slot's bits.
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
        return acc;
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
