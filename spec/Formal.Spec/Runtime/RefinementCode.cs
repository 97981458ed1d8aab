using System.Reflection;
using System.Reflection.Emit;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// The per-slot passes of colour refinement (<see cref="Canonicalizer"/>) compiled for one
/// symmetry layout: straight-line IL over flat object numbers (pool p's object k is
/// Base[p] + k) with every slot's kind, owner and hash constants built in. They compute exactly
/// what the generic loops compute. Layouts with a slot keyed by several objects are not
/// compiled (null); the generic loops handle them.
internal static unsafe class RefinementCode
{
    /// touched[o] = 1 for objects not blank or referred to by a slot that is not ignored;
    /// fixed[o] = what the fixed slots tell o (summed once, every round adds it).
    public delegate void TouchFn(long* slots, byte* slotBlank, byte* blank, byte* touched, ulong* fixedSums);

    /// One round: next from color (see Canonicalizer.Refine).
    public delegate void RoundFn(long* slots, byte* slotBlank, byte* touched, ulong* color, ulong* fixedSums, ulong* next);

    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    public const ulong TouchedMark = 0x5851F42D4C957F2DUL, UntouchedMark = 0x14057B7EF767814FUL;

    public static bool Applies(SymmetryLayout s)
    {
        for (int i = 0; i < s.Slots; i++)
            if (s.KeyCount[i] > 1) return false;
        return true;
    }

    public static TouchFn Touch(SymmetryLayout s)
    {
        var bases = SymmetryCode.Bases(s);
        int objects = bases[^1];
        var dm = new DynamicMethod("touch", typeof(void), [typeof(long*), typeof(byte*), typeof(byte*), typeof(byte*), typeof(ulong*)], typeof(RefinementCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        var v = il.DeclareLocal(typeof(long));
        for (int o = 0; o < objects; o++)
        {
            // touched[o] = blank[o] ^ 1; fixed[o] = 0
            IlEmit.Address(il, 3, o, 1);
            IlEmit.Load(il, 2, o, 1, OpCodes.Ldind_U1);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Xor);
            il.Emit(OpCodes.Stind_I1);
            IlEmit.Address(il, 4, o, 8);
            il.Emit(OpCodes.Ldc_I8, 0L);
            il.Emit(OpCodes.Stind_I8);
        }
        for (int i = 0; i < s.Slots; i++)
        {
            byte kind = s.Kind[i];
            bool isFixed = kind == SymmetryLayout.NoRef && s.KeyCount[i] == 1;
            if (kind == SymmetryLayout.NoRef && !isFixed) continue;
            var skip = il.DefineLabel();
            SkipIfBlank(il, s, i, skip);
            IlEmit.Load(il, 0, i, 8, OpCodes.Ldind_I8);
            il.Emit(OpCodes.Stloc, v);
            int vb = s.ValuePool[i] >= 0 ? bases[s.ValuePool[i]] : 0;
            switch (kind)
            {
                case SymmetryLayout.OptRef:
                    IlEmit.IfNone(il, v, skip);
                    goto case SymmetryLayout.Ref;
                case SymmetryLayout.Ref:
                    // touched[vb + v] = 1
                    IlEmit.DynamicAddress(il, 3, vb, v, 1);
                    il.Emit(OpCodes.Ldc_I4_1);
                    il.Emit(OpCodes.Stind_I1);
                    break;
                case SymmetryLayout.SetRef:
                    il.Emit(OpCodes.Ldloc, v);
                    IlEmit.Address(il, 3, vb, 1);
                    il.Emit(OpCodes.Call, Helper(nameof(TouchSet)));
                    break;
                default:
                {
                    // fixed[owner] += Mix(keyRel + v * Golden)
                    int owner = bases[s.OwnerPool[i]] + s.OwnerIndex[i];
                    IlEmit.Address(il, 4, owner, 8);
                    IlEmit.AddMixed(il, () => KeyTerm(il, s.KeyRelHash[s.KeyStart[i]], () => il.Emit(OpCodes.Ldloc, v)));
                    break;
                }
            }
            il.MarkLabel(skip);
        }
        il.Emit(OpCodes.Ret);
        return (TouchFn)dm.CreateDelegate(typeof(TouchFn));
    }

    /// The colour every object of pool p starts with (Canonicalizer.Refine).
    public static ulong InitialColor(int pool) => (ulong)(pool + 1) * 0x51AFD7ED558CCDUL;

    /// One round; with <paramref name="first"/>, the first one, which assumes every object still
    /// has its pool's initial colour (<see cref="InitialColor"/>) and ignores the colour array:
    /// every term that depends only on colours is then a constant, computed here, and a set's
    /// colour is its size times its pool's. Most rounds are first rounds (anon_vma: 1.13 rounds
    /// per canonical form).
    public static RoundFn Round(SymmetryLayout s, bool first = false)
    {
        var bases = SymmetryCode.Bases(s);
        int objects = bases[^1];
        var poolOf = new int[objects];
        for (int p = 0; p < s.Pools.Length; p++)
            for (int o = bases[p]; o < bases[p + 1]; o++) poolOf[o] = p;
        var dm = new DynamicMethod(first ? "round_first" : "round", typeof(void), [typeof(long*), typeof(byte*), typeof(byte*), typeof(ulong*), typeof(ulong*), typeof(ulong*)], typeof(RefinementCode).Module, skipVisibility: true);
        var il = dm.GetILGenerator();
        var v = il.DeclareLocal(typeof(long));
        var keys = il.DeclareLocal(typeof(ulong));
        for (int o = 0; o < objects; o++)
        {
            // next[o] = Mix(color[o] + (touched[o] ? TouchedMark : UntouchedMark)) + fixed[o]
            var untouched = il.DefineLabel();
            var go = il.DefineLabel();
            ulong initial = InitialColor(poolOf[o]);
            IlEmit.Address(il, 5, o, 8);
            if (!first) IlEmit.Load(il, 3, o, 8, OpCodes.Ldind_I8);
            IlEmit.Load(il, 2, o, 1, OpCodes.Ldind_U1);
            il.Emit(OpCodes.Brfalse, untouched);
            il.Emit(OpCodes.Ldc_I8, unchecked((long)(first ? Runtime.Mix.Hash(initial + TouchedMark) : TouchedMark)));
            il.Emit(OpCodes.Br, go);
            il.MarkLabel(untouched);
            il.Emit(OpCodes.Ldc_I8, unchecked((long)(first ? Runtime.Mix.Hash(initial + UntouchedMark) : UntouchedMark)));
            il.MarkLabel(go);
            if (!first)
            {
                il.Emit(OpCodes.Add);
                IlEmit.Mix(il);
            }
            IlEmit.Load(il, 4, o, 8, OpCodes.Ldind_I8);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stind_I8);
        }
        foreach (int i in s.Varying)
        {
            byte kind = s.Kind[i];
            var skip = il.DefineLabel();
            SkipIfBlank(il, s, i, skip);
            IlEmit.Load(il, 0, i, 8, OpCodes.Ldind_I8);
            il.Emit(OpCodes.Stloc, v);
            int vp = s.ValuePool[i], vb = bases[vp];
            int owner = s.OwnerPool[i] >= 0 ? bases[s.OwnerPool[i]] + s.OwnerIndex[i] : -1;
            int ks = s.KeyStart[i];
            // keys = owner ? Mix(color[owner] + keyPos) : 0
            ulong? knownKeys = first ? owner >= 0 ? Runtime.Mix.Hash(InitialColor(s.OwnerPool[i]) + s.KeyPosHash[ks]) : 0 : null;
            if (knownKeys is null)
            {
                if (owner >= 0)
                {
                    IlEmit.Load(il, 3, owner, 8, OpCodes.Ldind_I8);
                    il.Emit(OpCodes.Ldc_I8, (long)s.KeyPosHash[ks]);
                    il.Emit(OpCodes.Add);
                    IlEmit.Mix(il);
                }
                else il.Emit(OpCodes.Ldc_I8, 0L);
                il.Emit(OpCodes.Stloc, keys);
            }
            // Pushes Mix(keys + c), a constant in the first round.
            void MixedKeysPlus(ulong c)
            {
                if (knownKeys is ulong k)
                {
                    il.Emit(OpCodes.Ldc_I8, unchecked((long)Runtime.Mix.Hash(c + k)));
                    return;
                }
                il.Emit(OpCodes.Ldc_I8, unchecked((long)c));
                il.Emit(OpCodes.Ldloc, keys);
                il.Emit(OpCodes.Add);
                IlEmit.Mix(il);
            }
            if (owner >= 0)
            {
                // next[owner] += Mix(keyRel + value * Golden)
                IlEmit.Address(il, 5, owner, 8);
                if (first && kind is SymmetryLayout.Ref or SymmetryLayout.OptRef)
                    AddFirstRefTerm(il, s.KeyRelHash[ks], kind, v, InitialColor(vp));
                else
                    IlEmit.AddMixed(il, () => KeyTerm(il, s.KeyRelHash[ks], () =>
                    {
                        if (first && kind == SymmetryLayout.SetRef) FirstSetColor(il, v, InitialColor(vp));
                        else Value(il, kind, v, vb);
                    }));
            }
            switch (kind)
            {
                case SymmetryLayout.OptRef:
                    IlEmit.IfNone(il, v, skip);
                    goto case SymmetryLayout.Ref;
                case SymmetryLayout.Ref:
                    // next[vb + v] += Mix(RefHash + keys)
                    IlEmit.DynamicAddress(il, 5, vb, v, 8);
                    IlEmit.AddTo(il, () => MixedKeysPlus(s.RefHash[i]));
                    break;
                case SymmetryLayout.SetRef:
                    il.Emit(OpCodes.Ldloc, v);
                    IlEmit.Address(il, 5, vb, 8);
                    MixedKeysPlus(s.SetHash[i]);
                    il.Emit(OpCodes.Call, Helper(nameof(AddToSet)));
                    break;
            }
            il.MarkLabel(skip);
        }
        il.Emit(OpCodes.Ret);
        return (RoundFn)dm.CreateDelegate(typeof(RoundFn));
    }

    // With &next[owner] on the stack, in the first round: *next += Mix(keyRel + value * Golden)
    // for a reference, whose value is a constant (its pool's initial colour + 0x100), or for an
    // optional one, 0x200 when none.
    private static void AddFirstRefTerm(ILGenerator il, ulong keyRel, byte kind, LocalBuilder v, ulong initial)
    {
        ulong Term(ulong value) => Runtime.Mix.Hash(keyRel + value * Golden);
        IlEmit.AddTo(il, () =>
        {
            if (kind == SymmetryLayout.Ref)
            {
                il.Emit(OpCodes.Ldc_I8, unchecked((long)Term(initial + 0x100)));
                return;
            }
            var none = il.DefineLabel();
            var done = il.DefineLabel();
            IlEmit.IfNone(il, v, none);
            il.Emit(OpCodes.Ldc_I8, unchecked((long)Term(initial + 0x300)));
            il.Emit(OpCodes.Br, done);
            il.MarkLabel(none);
            il.Emit(OpCodes.Ldc_I8, unchecked((long)Term(0x200)));
            il.MarkLabel(done);
        });
    }

    // A set's colour in the first round: 0x400 + |set| * Mix(its pool's initial colour).
    private static void FirstSetColor(ILGenerator il, LocalBuilder v, ulong initial)
    {
        il.Emit(OpCodes.Ldloc, v);
        il.Emit(OpCodes.Call, PopCount);
        il.Emit(OpCodes.Conv_U8);
        il.Emit(OpCodes.Ldc_I8, unchecked((long)Runtime.Mix.Hash(initial)));
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Ldc_I8, 0x400L);
        il.Emit(OpCodes.Add);
    }

    private static readonly MethodInfo PopCount = typeof(System.Numerics.BitOperations).GetMethod(nameof(System.Numerics.BitOperations.PopCount), [typeof(ulong)])!;

    // keyRel + value * Golden, the term a slot adds to its owner's colour.
    private static void KeyTerm(ILGenerator il, ulong keyRel, Action value)
    {
        il.Emit(OpCodes.Ldc_I8, (long)keyRel);
        value();
        il.Emit(OpCodes.Ldc_I8, unchecked((long)Golden));
        il.Emit(OpCodes.Mul);
        il.Emit(OpCodes.Add);
    }

    // The colour a slot's value contributes (Canonicalizer.Refine): pushes a ulong.
    private static void Value(ILGenerator il, byte kind, LocalBuilder v, int vb)
    {
        switch (kind)
        {
            case SymmetryLayout.Ref:
                LoadColor(il, vb, v);
                il.Emit(OpCodes.Ldc_I8, 0x100L);
                il.Emit(OpCodes.Add);
                break;
            case SymmetryLayout.OptRef:
            {
                var none = il.DefineLabel();
                var done = il.DefineLabel();
                IlEmit.IfNone(il, v, none);
                LoadColor(il, vb, v);
                il.Emit(OpCodes.Ldc_I8, 0x300L);
                il.Emit(OpCodes.Add);
                il.Emit(OpCodes.Br, done);
                il.MarkLabel(none);
                il.Emit(OpCodes.Ldc_I8, 0x200L);
                il.MarkLabel(done);
                break;
            }
            case SymmetryLayout.SetRef:
                il.Emit(OpCodes.Ldloc, v);
                IlEmit.Address(il, 3, vb, 8);
                il.Emit(OpCodes.Call, Helper(nameof(SetColor)));
                break;
            default:
                il.Emit(OpCodes.Ldloc, v);
                break;
        }
    }

    private static void LoadColor(ILGenerator il, int vb, LocalBuilder v)
    {
        IlEmit.DynamicAddress(il, 3, vb, v, 8);
        il.Emit(OpCodes.Ldind_I8);
    }

    private static MethodInfo Helper(string name) => typeof(RefinementCode).GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic)!;

    private static void TouchSet(long v, byte* touched)
    {
        for (ulong b = (ulong)v; b != 0; b &= b - 1) touched[System.Numerics.BitOperations.TrailingZeroCount(b)] = 1;
    }

    private static ulong SetColor(long v, ulong* color)
    {
        ulong sum = 0x400;
        for (ulong b = (ulong)v; b != 0; b &= b - 1) sum += Runtime.Mix.Hash(color[System.Numerics.BitOperations.TrailingZeroCount(b)]);
        return sum;
    }

    private static void AddToSet(long v, ulong* next, ulong add)
    {
        for (ulong b = (ulong)v; b != 0; b &= b - 1) next[System.Numerics.BitOperations.TrailingZeroCount(b)] += add;
    }



    // Slots of blank objects are ignored (a slot without keys never is).
    private static void SkipIfBlank(ILGenerator il, SymmetryLayout s, int i, Label skip)
    {
        if (s.KeyCount[i] == 0) return;
        IlEmit.Load(il, 1, i, 1, OpCodes.Ldind_U1);
        il.Emit(OpCodes.Brtrue, skip);
    }



}
