using System.Reflection.Emit;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// IL for the compiled layout and symmetry passes (<see cref="LayoutCode"/>,
/// <see cref="SymmetryCode"/>, <see cref="RefinementCode"/>): element addresses of pointer
/// arguments, loads, and <see cref="Mix.Hash"/> written out.
internal static class IlEmit
{
    /// Pushes &amp;arg[index] for elements of <paramref name="size"/> bytes.
    public static void Address(ILGenerator il, int arg, int index, int size)
    {
        il.Emit(OpCodes.Ldarg, (short)arg);
        if (index > 0)
        {
            il.Emit(OpCodes.Ldc_I4, index * size);
            il.Emit(OpCodes.Add);
        }
    }

    /// Pushes arg[index].
    public static void Load(ILGenerator il, int arg, int index, int size, OpCode load)
    {
        Address(il, arg, index, size);
        il.Emit(load);
    }

    /// Stores a constant byte at arg[index].
    public static void StoreByte(ILGenerator il, int arg, int index, int value)
    {
        Address(il, arg, index, 1);
        il.Emit(OpCodes.Ldc_I4, value);
        il.Emit(OpCodes.Stind_I1);
    }

    /// Pushes &amp;arg[poolBase + v] (v a long local: an object index within its pool).
    public static void DynamicAddress(ILGenerator il, int arg, int poolBase, LocalBuilder v, int size)
    {
        il.Emit(OpCodes.Ldarg, (short)arg);
        il.Emit(OpCodes.Ldloc, v);
        if (poolBase > 0)
        {
            il.Emit(OpCodes.Ldc_I8, (long)poolBase);
            il.Emit(OpCodes.Add);
        }
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Ldc_I4, size);
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Add);
    }

    /// Branches to <paramref name="target"/> when the long local is `none`.
    public static void IfNone(ILGenerator il, LocalBuilder v, Label target)
    {
        il.Emit(OpCodes.Ldloc, v);
        il.Emit(OpCodes.Ldc_I8, TypeOps.NoneValue);
        il.Emit(OpCodes.Beq, target);
    }

    /// With an address of a ulong on the stack: *address += what <paramref name="term"/> pushes.
    public static void AddTo(ILGenerator il, Action term)
    {
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Ldind_I8);
        term();
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stind_I8);
    }

    /// With an address of a ulong on the stack: *address += Mix(what <paramref name="term"/> pushes).
    public static void AddMixed(ILGenerator il, Action term) => AddTo(il, () =>
    {
        term();
        Mix(il);
    });

    /// <see cref="Mix.Hash"/> of the ulong on the stack.
    public static void Mix(ILGenerator il)
    {
        XorShift(il, 30);
        il.Emit(OpCodes.Ldc_I8, unchecked((long)0xBF58476D1CE4E5B9UL));
        il.Emit(OpCodes.Mul);
        XorShift(il, 27);
        il.Emit(OpCodes.Ldc_I8, unchecked((long)0x94D049BB133111EBUL));
        il.Emit(OpCodes.Mul);
        XorShift(il, 31);
    }

    /// x ^ (x >> by) of the ulong on the stack.
    public static void XorShift(ILGenerator il, int by)
    {
        il.Emit(OpCodes.Dup);
        il.Emit(OpCodes.Ldc_I4, by);
        il.Emit(OpCodes.Shr_Un);
        il.Emit(OpCodes.Xor);
    }
}
