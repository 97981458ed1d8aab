using System.Numerics;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// Maps a state to the canonical member of its orbit under permutations of the symmetric pools.
/// Colour refinement gives every object a colour that depends only on the state's structure
/// (its own fields, what it refers to, what refers to it); objects are ordered by colour, and
/// within groups of equal colour every order is tried and the smallest packed state wins. Since
/// the colours are the same for every member of an orbit, so is the result. Groups of objects
/// that are all untouched (default fields, never referred to) need no trying. If the number of
/// orders to try exceeds a cap, one order is taken: still sound (a member of the orbit), but two
/// members of one orbit may then be stored twice; such states are counted in <see cref="Inexact"/>.
/// An object all of whose fields are at their defaults is blank (a free slot of its pool): its
/// fields are not looked at, so the default references they hold (object 0) do not single out
/// object 0. Specs must reset freed objects to `default` for free objects to be interchangeable.
internal sealed unsafe class Canonicalizer
{
    public const int MaxCandidates = 5040;

    private readonly SymmetryLayout _s;
    private readonly StateLayout _layout;
    private readonly int _pools;
    private readonly int[] _size;
    // Per object, numbered flat: pool p's object k is _bases[p] + k (as in the compiled passes,
    // which then need no copying to and from per-pool arrays).
    private readonly int[] _bases;
    private readonly ulong[] _initial;
    private ulong[] _color, _next;
    private readonly ulong[] _fixed;
    private readonly byte[] _touched, _blank;
    private readonly bool[] _slotBlank;
    // Per pool p, at _bases[p]: the pool's objects in colour order, and its groups to try
    // (start and length in that order; _groupCount[p] of them).
    private readonly int[] _order, _groupStart, _groupLen;
    private readonly int[] _groupCount;
    private readonly long[] _permuted;
    private readonly int[] _perm;
    private readonly SymmetryCode.BlankFn _blankCode;
    private readonly SymmetryCode.PermuteFn _permuteCode;
    private readonly RefinementCode.TouchFn? _touchCode;
    private readonly RefinementCode.RoundFn? _roundCode, _firstRoundCode;
    private readonly ulong[] _best, _cand;

    public long Inexact { get; private set; }

    /// <param name="compiled">use the compiled refinement passes where the layout allows (tests
    /// compare them with the generic loops)</param>
    public Canonicalizer(SymmetryLayout s, StateLayout layout, bool compiled = true)
    {
        _s = s;
        _layout = layout;
        _pools = s.Pools.Length;
        _size = s.Pools.Select(p => p.Size).ToArray();
        _bases = SymmetryCode.Bases(s);
        int objects = _bases[^1];
        _initial = new ulong[objects];
        for (int p = 0; p < _pools; p++) Array.Fill(_initial, RefinementCode.InitialColor(p), _bases[p], _size[p]);
        _color = new ulong[objects];
        _next = new ulong[objects];
        _fixed = new ulong[objects];
        _touched = new byte[objects];
        _blank = new byte[objects];
        _slotBlank = new bool[layout.Slots];
        _order = new int[objects];
        _groupStart = new int[objects];
        _groupLen = new int[objects];
        _groupCount = new int[_pools];
        _permuted = new long[layout.Slots];
        _perm = new int[objects];
        _blankCode = s.BlankCode();
        _permuteCode = s.PermuteCode();
        _touchCode = compiled ? s.TouchCode() : null;
        _roundCode = compiled ? s.RoundCode() : null;
        _firstRoundCode = compiled ? s.FirstRoundCode() : null;
        _best = new ulong[layout.Words];
        _cand = new ulong[layout.Words];
    }

    /// Writes the canonical packed form of <paramref name="slots"/> to <paramref name="words"/>.
    public void Canonicalize(ReadOnlySpan<long> slots, Span<ulong> words)
    {
        Refine(slots);
        long candidates = 1;
        for (int p = 0; p < _pools; p++)
        {
            SortByColor(p);
            candidates *= Groups(p);
            if (candidates > MaxCandidates) break;
        }
        if (candidates > MaxCandidates)
        {
            Inexact++;
            for (int p = 0; p < _pools; p++) _groupCount[p] = 0; // no trying: one order only
        }
        int groups = 0;
        for (int p = 0; p < _pools; p++) groups += _groupCount[p];
        bool first = true;
        Enumerate(0, groups, slots, ref first);
        _best.CopyTo(words);
    }

    private void Refine(ReadOnlySpan<long> slots)
    {
        _initial.CopyTo(_color, 0);
        fixed (long* sp = slots)
        fixed (byte* bp = _blank)
        fixed (bool* sb = _slotBlank)
        {
            _blankCode(sp, bp, (byte*)sb);
            if (_touchCode is not null)
            {
                fixed (byte* tp = _touched)
                fixed (ulong* fp = _fixed)
                    _touchCode(sp, (byte*)sb, bp, tp, fp);
            }
            else Touch(slots);
        }
        int classes = InitialClasses(out bool ties);
        for (int round = 0; round < 4 && ties; round++)
        {
            // The colours are still the initial ones in the first round.
            if (_roundCode is not null) RoundCompiled(slots, round == 0 ? _firstRoundCode! : _roundCode);
            else Round(slots);
            // Refinement only splits classes; once a round splits none, later rounds cannot
            // either. Nor is there anything to split once no touched object shares its colour
            // (the loop condition): untouched ones are interchangeable and never tried.
            int now = Classes(out ties);
            if (now == classes) break;
            classes = now;
        }
    }

    private int Object(int pool, long k) => _bases[pool] + (int)k;

    /// Marks the touched objects: a slot of a blank object is ignored; an object is touched when
    /// it is not blank or a slot that is not ignored refers to it. Sums what the fixed slots
    /// tell their objects once (every round adds it unchanged).
    private void Touch(ReadOnlySpan<long> slots)
    {
        var s = _s;
        for (int o = 0; o < _touched.Length; o++) _touched[o] = (byte)(_blank[o] ^ 1);
        for (int i = 0; i < s.Slots; i++)
        {
            if (_slotBlank[i]) continue;
            long v = slots[i];
            switch (s.Kind[i])
            {
                case SymmetryLayout.Ref: _touched[Object(s.ValuePool[i], v)] = 1; break;
                case SymmetryLayout.OptRef: if (v != TypeOps.NoneValue) _touched[Object(s.ValuePool[i], v)] = 1; break;
                case SymmetryLayout.SetRef:
                    for (ulong b = (ulong)v; b != 0; b &= b - 1) _touched[Object(s.ValuePool[i], BitOperations.TrailingZeroCount(b))] = 1;
                    break;
            }
        }
        Array.Clear(_fixed);
        foreach (int i in s.Fixed)
        {
            if (_slotBlank[i]) continue;
            _fixed[Object(s.OwnerPool[i], s.OwnerIndex[i])] += Mix.Hash(s.KeyRelHash[s.KeyStart[i]] + (ulong)slots[i] * 0x9E3779B97F4A7C15UL);
        }
    }

    /// One round of refinement: every object's next colour from its own, its fixed sum and what
    /// the varying slots tell it. One multiply-xorshift mix per term: the colours only need to
    /// separate what they can; a rare accidental tie only makes Enumerate try more orders, it
    /// never changes the canonical form's invariance (colours are computed the same way for
    /// every member of an orbit).
    private void Round(ReadOnlySpan<long> slots)
    {
        var s = _s;
        var keyPool = s.KeyPool;
        var keyIndex = s.KeyIndex;
        var keyPos = s.KeyPosHash;
        var keyRel = s.KeyRelHash;
        for (int o = 0; o < _next.Length; o++)
            _next[o] = Mix.Hash(_color[o] + (_touched[o] != 0 ? RefinementCode.TouchedMark : RefinementCode.UntouchedMark)) + _fixed[o];
        foreach (int i in s.Varying)
        {
            if (_slotBlank[i]) continue;
            long v = slots[i];
            byte kind = s.Kind[i];
            int vp = s.ValuePool[i];
            ulong value = kind switch
            {
                SymmetryLayout.Ref => _color[Object(vp, v)] + 0x100,
                SymmetryLayout.OptRef => v == TypeOps.NoneValue ? 0x200UL : _color[Object(vp, v)] + 0x300,
                SymmetryLayout.SetRef => SetColor(vp, (ulong)v),
                _ => (ulong)v,
            };
            int ks = s.KeyStart[i], owner = s.OwnerPool[i];
            ulong keys = 0;
            ulong valueMix = value * 0x9E3779B97F4A7C15UL;
            if (owner >= 0)
            {
                // One key (the common case): the general loop below with no other keys.
                int oi = Object(owner, s.OwnerIndex[i]);
                keys = Mix.Hash(_color[oi] + keyPos[ks]);
                _next[oi] += Mix.Hash(keyRel[ks] + valueMix);
            }
            else if (owner == -2)
            {
                int kc = s.KeyCount[i];
                for (int k = ks; k < ks + kc; k++) keys += Mix.Hash(_color[Object(keyPool[k], keyIndex[k])] + keyPos[k]);
                for (int k = ks; k < ks + kc; k++)
                {
                    int ko = Object(keyPool[k], keyIndex[k]);
                    ulong others = keys - Mix.Hash(_color[ko] + keyPos[k]);
                    _next[ko] += Mix.Hash(keyRel[k] + valueMix + others * 0xC2B2AE3D27D4EB4FUL);
                }
            }
            if (kind == SymmetryLayout.Ref || (kind == SymmetryLayout.OptRef && v != TypeOps.NoneValue))
                _next[Object(vp, v)] += Mix.Hash(s.RefHash[i] + keys);
            else if (kind == SymmetryLayout.SetRef)
                for (ulong b = (ulong)v; b != 0; b &= b - 1)
                    _next[Object(vp, BitOperations.TrailingZeroCount(b))] += Mix.Hash(s.SetHash[i] + keys);
        }
        (_color, _next) = (_next, _color);
    }

    /// <see cref="Round"/> compiled (<see cref="RefinementCode"/>).
    private void RoundCompiled(ReadOnlySpan<long> slots, RefinementCode.RoundFn code)
    {
        fixed (long* sp = slots)
        fixed (bool* sb = _slotBlank)
        fixed (byte* tp = _touched)
        fixed (ulong* cp = _color)
        fixed (ulong* fp = _fixed)
        fixed (ulong* np = _next)
            code(sp, (byte*)sb, tp, cp, fp, np);
        (_color, _next) = (_next, _color);
    }

    /// The number of distinct colours, summed over pools, and whether a touched object shares
    /// its colour (small pools: quadratic is fine).
    private int Classes(out bool ties)
    {
        int total = 0;
        int tie = 0;
        var c = _color;
        var touched = _touched;
        for (int p = 0; p < _pools; p++)
        {
            int b = _bases[p], end = b + _size[p];
            for (int i = b; i < end; i++)
            {
                bool seen = false;
                for (int j = b; j < i; j++)
                    if (c[j] == c[i])
                    {
                        seen = true;
                        tie |= touched[i] | touched[j];
                    }
                if (!seen) total++;
            }
        }
        ties = tie != 0;
        return total;
    }

    /// <see cref="Classes"/> before any round, when every pool has one colour: a pool with two
    /// or more objects ties if one of them is touched.
    private int InitialClasses(out bool ties)
    {
        int total = 0;
        ties = false;
        for (int p = 0; p < _pools; p++)
        {
            int b = _bases[p], n = _size[p];
            if (n == 0) continue;
            total++;
            if (n > 1 && !ties)
                for (int o = b; o < b + n && !ties; o++) ties = _touched[o] != 0;
        }
        return total;
    }

    private ulong SetColor(int pool, ulong bits)
    {
        ulong sum = 0x400;
        for (; bits != 0; bits &= bits - 1) sum += Mix.Hash(_color[Object(pool, BitOperations.TrailingZeroCount(bits))]);
        return sum;
    }

    private void SortByColor(int p)
    {
        int b = _bases[p], n = _size[p];
        var order = _order;
        var color = _color;
        for (int i = 0; i < n; i++) order[b + i] = i;
        // Insertion sort: pools are small; stable, so ties keep index order.
        for (int i = 1; i < n; i++)
        {
            int x = order[b + i];
            int j = i - 1;
            while (j >= 0 && color[b + order[b + j]] > color[b + x])
            {
                order[b + j + 1] = order[b + j];
                j--;
            }
            order[b + j + 1] = x;
        }
    }

    /// Finds the groups of equal colour that need trying; returns how many orders they allow.
    private long Groups(int p)
    {
        int b = _bases[p], n = _size[p];
        var order = _order;
        var color = _color;
        int g = 0;
        long count = 1;
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && color[b + order[b + j]] == color[b + order[b + i]]) j++;
            int len = j - i;
            if (len > 1 && AnyTouched(b, i, j))
            {
                _groupStart[b + g] = i;
                _groupLen[b + g] = len;
                g++;
                for (int f = 2; f <= len; f++) count *= f;
            }
            i = j;
        }
        _groupCount[p] = g;
        return count;
    }

    private bool AnyTouched(int b, int from, int to)
    {
        for (int i = from; i < to; i++)
            if (_touched[b + _order[b + i]] != 0) return true;
        return false;
    }

    /// Tries every order of every group (pool by pool, group by group), keeping the smallest.
    private void Enumerate(int level, int groups, ReadOnlySpan<long> slots, ref bool first)
    {
        if (level == groups)
        {
            Apply(slots, ref first);
            return;
        }
        int pool = 0, g = level;
        while (g >= _groupCount[pool]) g -= _groupCount[pool++];
        int b = _bases[pool];
        int start = b + _groupStart[b + g], len = _groupLen[b + g];
        Array.Sort(_order, start, len);
        do Enumerate(level + 1, groups, slots, ref first);
        while (NextPermutation(_order, start, len));
    }

    private static bool NextPermutation(int[] a, int start, int len)
    {
        int i = start + len - 2;
        while (i >= start && a[i] >= a[i + 1]) i--;
        if (i < start) return false;
        int j = start + len - 1;
        while (a[j] <= a[i]) j--;
        (a[i], a[j]) = (a[j], a[i]);
        Array.Reverse(a, i + 1, start + len - 1 - i);
        return true;
    }

    private void Apply(ReadOnlySpan<long> slots, ref bool first)
    {
        for (int p = 0; p < _pools; p++)
        {
            int b = _bases[p], n = _size[p];
            for (int k = 0; k < n; k++) _perm[b + _order[b + k]] = k;
        }
        fixed (long* sp = slots)
        fixed (int* pp = _perm)
        fixed (bool* sb = _slotBlank)
        fixed (long* dp = _permuted)
            _permuteCode(sp, pp, (byte*)sb, dp);
        if (first)
        {
            _layout.Pack(_permuted, _best);
            first = false;
            return;
        }
        _layout.Pack(_permuted, _cand);
        KeepSmaller();
    }

    private void KeepSmaller()
    {
        for (int w = _cand.Length - 1; w >= 0; w--)
        {
            if (_cand[w] == _best[w]) continue;
            if (_cand[w] < _best[w]) _cand.CopyTo(_best, 0);
            return;
        }
    }

    /// The smallest packed form over ALL permutations of all pools (no colours): the orbit's
    /// least member. Exponential; used by tests to check that the reduction is exact.
    internal void BruteForce(ReadOnlySpan<long> slots, Span<ulong> words)
    {
        var blank = _size.Select(n => new bool[n]).ToArray();
        var order = _size.Select(n => Enumerable.Range(0, n).ToArray()).ToArray();
        var perm = _size.Select(n => new int[n]).ToArray();
        _s.Blank(slots, _layout.Defaults, blank, _slotBlank);
        bool first = true;
        AllOrders(0, slots, order, perm, ref first);
        _best.CopyTo(words);
    }

    private void AllOrders(int pool, ReadOnlySpan<long> slots, int[][] order, int[][] perm, ref bool first)
    {
        if (pool == _pools)
        {
            for (int p = 0; p < _pools; p++) order[p].CopyTo(perm[p], 0);
            _s.Permute(slots, perm, _slotBlank, _layout.Defaults, _permuted);
            if (first)
            {
                _layout.Pack(_permuted, _best);
                first = false;
            }
            else
            {
                _layout.Pack(_permuted, _cand);
                KeepSmaller();
            }
            return;
        }
        Array.Sort(order[pool]);
        do AllOrders(pool + 1, slots, order, perm, ref first);
        while (NextPermutation(order[pool], 0, _size[pool]));
    }
}
