using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// The vector part of <see cref="LayoutCode"/>'s packing: four consecutive slots that lie in one
/// word, each with a plain, scalar-option or (from 0) set code, are encoded and shifted into
/// place together (AVX2), OR-ed into a vector accumulator per word, and the accumulator's lanes
/// are OR-ed into the word at the end. anon_vma's 66 packed slots take 16 blocks and 2 single slots; one at a
/// time they were 3 to 5 instructions each, and the packer 8 % of a run.
internal static class VectorPack
{
    public const int Lanes = 4;

    public static bool Supported => Avx2.IsSupported;

    /// The first slots of the blocks, taken greedily in slot order.
    public static List<int> Blocks(StateLayout l)
    {
        var starts = new List<int>();
        for (int i = 0; i + Lanes <= l.Slots; i++)
        {
            int word = l.BitPos[i] >> 6;
            bool fits = true;
            for (int k = 0; k < Lanes && fits; k++) fits = Fits(l, i + k, word);
            if (!fits) continue;
            starts.Add(i);
            i += Lanes - 1;
        }
        return starts;
    }

    /// Whether slot i may be a lane of a block in word <paramref name="word"/>.
    private static bool Fits(StateLayout l, int i, int word)
    {
        int w = l.Bits[i], p = l.BitPos[i];
        // A set whose elements start at 0 is coded as its mask: a plain code with bias 0.
        return w > 0 && (p >> 6) == word && (p & 63) + w <= 64
            && (l.Codec[i] is SlotCodec.Plain or SlotCodec.Option || (l.Codec[i] == SlotCodec.SetShift && l.Lo[i] == 0));
    }

    /// acc = acc | block(slots[i .. i + 4)), where arg 0 is the slots' pointer.
    public static void EmitBlock(ILGenerator il, StateLayout l, int i, LocalBuilder acc, LocalBuilder raw)
    {
        var bias = new ulong[Lanes];
        var shift = new ulong[Lanes];
        var option = new ulong[Lanes];
        for (int k = 0; k < Lanes; k++)
        {
            int s = i + k;
            bool isOption = l.Codec[s] == SlotCodec.Option;
            // plain: v - lo; option: none ? 0 : v - lo + 1; set (from 0): v
            bias[k] = l.Codec[s] == SlotCodec.SetShift ? 0 : unchecked((ulong)(isOption ? l.Lo[s] - 1 : l.Lo[s]));
            shift[k] = (ulong)(l.BitPos[s] & 63);
            option[k] = isOption ? ulong.MaxValue : 0;
        }
        bool anyOption = option.Any(o => o != 0);
        il.Emit(OpCodes.Ldloc, acc);
        IlEmit.Address(il, 0, i, sizeof(long));
        il.Emit(OpCodes.Call, Load);
        if (anyOption)
        {
            il.Emit(OpCodes.Dup);
            il.Emit(OpCodes.Stloc, raw);
        }
        if (bias.Any(b => b != 0))
        {
            Constant(il, bias);
            il.Emit(OpCodes.Call, Subtract);
        }
        if (anyOption)
        {
            // AndNot(code, (raw == none) & optionLanes)
            il.Emit(OpCodes.Ldloc, raw);
            Constant(il, NoneLanes);
            il.Emit(OpCodes.Call, EqualsMethod);
            Constant(il, option);
            il.Emit(OpCodes.Call, And);
            il.Emit(OpCodes.Call, AndNot);
        }
        Constant(il, shift);
        il.Emit(OpCodes.Call, ShiftLeft);
        il.Emit(OpCodes.Call, Or);
        il.Emit(OpCodes.Stloc, acc);
    }

    /// Pushes the OR of the accumulator's lanes (a ulong).
    public static void EmitLanesOr(ILGenerator il, LocalBuilder acc)
    {
        var half = il.DeclareLocal(typeof(Vector128<ulong>));
        il.Emit(OpCodes.Ldloc, acc);
        il.Emit(OpCodes.Call, GetLower);
        il.Emit(OpCodes.Ldloc, acc);
        il.Emit(OpCodes.Call, GetUpper);
        il.Emit(OpCodes.Call, Or128);
        il.Emit(OpCodes.Stloc, half);
        il.Emit(OpCodes.Ldloc, half);
        il.Emit(OpCodes.Call, ToScalar);
        il.Emit(OpCodes.Ldloc, half);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Call, GetElement);
        il.Emit(OpCodes.Or);
    }

    public static void EmitZero(ILGenerator il, LocalBuilder acc)
    {
        il.Emit(OpCodes.Call, typeof(Vector256<ulong>).GetProperty(nameof(Vector256<ulong>.Zero))!.GetMethod!);
        il.Emit(OpCodes.Stloc, acc);
    }

    // A constant vector: the JIT folds Create over constants into one load.
    private static void Constant(ILGenerator il, ulong[] lanes)
    {
        foreach (ulong x in lanes) il.Emit(OpCodes.Ldc_I8, unchecked((long)x));
        il.Emit(OpCodes.Call, Create);
    }

    private static readonly ulong[] NoneLanes = Enumerable.Repeat(unchecked((ulong)TypeOps.NoneValue), Lanes).ToArray();

    private static readonly Type V = typeof(Vector256<ulong>);
    private static readonly MethodInfo Load = Generic(typeof(Vector256), "Load", 1);
    private static readonly MethodInfo Subtract = V.GetMethod("op_Subtraction", [V, V])!;
    private static readonly MethodInfo Or = V.GetMethod("op_BitwiseOr", [V, V])!;
    private static readonly MethodInfo And = V.GetMethod("op_BitwiseAnd", [V, V])!;
    private static readonly MethodInfo EqualsMethod = Generic(typeof(Vector256), "Equals", 2);
    private static readonly MethodInfo AndNot = Generic(typeof(Vector256), "AndNot", 2);
    private static readonly MethodInfo ShiftLeft = typeof(Avx2).GetMethod(nameof(Avx2.ShiftLeftLogicalVariable), [V, V])!;
    private static readonly MethodInfo Create = typeof(Vector256).GetMethod(nameof(Vector256.Create), [typeof(ulong), typeof(ulong), typeof(ulong), typeof(ulong)])!;
    private static readonly MethodInfo GetLower = Generic(typeof(Vector256), "GetLower", 1);
    private static readonly MethodInfo GetUpper = Generic(typeof(Vector256), "GetUpper", 1);
    private static readonly MethodInfo Or128 = typeof(Vector128<ulong>).GetMethod("op_BitwiseOr", [typeof(Vector128<ulong>), typeof(Vector128<ulong>)])!;
    private static readonly MethodInfo ToScalar = Generic(typeof(Vector128), "ToScalar", 1);
    private static readonly MethodInfo GetElement = Generic(typeof(Vector128), "GetElement", 2);

    private static MethodInfo Generic(Type on, string name, int parameters) =>
        on.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == parameters)
            .MakeGenericMethod(typeof(ulong));
}
