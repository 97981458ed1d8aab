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
    private readonly ulong[][] _color, _next, _fixed;
    private readonly bool[][] _touched, _blank;
    private readonly bool[] _slotBlank;
    private readonly int[][] _order, _perm;
    private readonly int[][] _groupStart, _groupLen;
    private readonly int[] _groupCount;
    private readonly long[] _permuted;
    // Flat object numbering for the compiled passes: pool p's object k is _bases[p] + k.
    private readonly int[] _bases;
    private readonly byte[] _blankFlat;
    private readonly int[] _permFlat;
    private readonly SymmetryCode.BlankFn _blankCode;
    private readonly SymmetryCode.PermuteFn _permuteCode;
    private readonly RefinementCode.TouchFn? _touchCode;
    private readonly RefinementCode.RoundFn? _roundCode;
    private readonly byte[] _touchedFlat;
    private ulong[] _colorFlat, _nextFlat;
    private readonly ulong[] _fixedFlat;
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
        _color = _size.Select(n => new ulong[n]).ToArray();
        _next = _size.Select(n => new ulong[n]).ToArray();
        _fixed = _size.Select(n => new ulong[n]).ToArray();
        _touched = _size.Select(n => new bool[n]).ToArray();
        _blank = _size.Select(n => new bool[n]).ToArray();
        _slotBlank = new bool[layout.Slots];
        _order = _size.Select(n => new int[n]).ToArray();
        _perm = _size.Select(n => new int[n]).ToArray();
        _groupStart = _size.Select(n => new int[n]).ToArray();
        _groupLen = _size.Select(n => new int[n]).ToArray();
        _groupCount = new int[_pools];
        _permuted = new long[layout.Slots];
        _bases = SymmetryCode.Bases(s);
        _blankFlat = new byte[_bases[^1]];
        _permFlat = new int[_bases[^1]];
        _blankCode = s.BlankCode();
        _permuteCode = s.PermuteCode();
        _touchCode = compiled ? s.TouchCode() : null;
        _roundCode = compiled ? s.RoundCode() : null;
        _touchedFlat = new byte[_bases[^1]];
        _colorFlat = new ulong[_bases[^1]];
        _nextFlat = new ulong[_bases[^1]];
        _fixedFlat = new ulong[_bases[^1]];
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
        bool first = true;
        Enumerate(0, slots, ref first);
        _best.CopyTo(words);
    }

    private void Refine(ReadOnlySpan<long> slots)
    {
        for (int p = 0; p < _pools; p++)
        {
            Array.Fill(_color[p], (ulong)(p + 1) * 0x51AFD7ED558CCDUL);
            Array.Clear(_touched[p]);
        }
        fixed (long* sp = slots)
        fixed (byte* bp = _blankFlat)
        fixed (bool* sb = _slotBlank)
            _blankCode(sp, bp, (byte*)sb);
        for (int p = 0; p < _pools; p++)
            for (int o = 0; o < _size[p]; o++) _blank[p][o] = _blankFlat[_bases[p] + o] != 0;
        if (_touchCode is not null) TouchCompiled(slots);
        else Touch(slots);
        int classes = Classes(out bool ties);
        for (int round = 0; round < 4 && ties; round++)
        {
            if (_roundCode is not null) RoundCompiled(slots);
            else Round(slots);
            // Refinement only splits classes; once a round splits none, later rounds cannot
            // either. Nor is there anything to split once no touched object shares its colour
            // (the loop condition): untouched ones are interchangeable and never tried.
            int now = Classes(out ties);
            if (now == classes) break;
            classes = now;
        }
    }

    /// Marks the touched objects: a slot of a blank object is ignored; an object is touched when
    /// it is not blank or a slot that is not ignored refers to it. Sums what the fixed slots
    /// tell their objects once (every round adds it unchanged).
    private void Touch(ReadOnlySpan<long> slots)
    {
        var s = _s;
        for (int i = 0; i < s.Slots; i++)
        {
            if (_slotBlank[i]) continue;
            long v = slots[i];
            switch (s.Kind[i])
            {
                case SymmetryLayout.Ref: _touched[s.ValuePool[i]][v] = true; break;
                case SymmetryLayout.OptRef: if (v != TypeOps.NoneValue) _touched[s.ValuePool[i]][v] = true; break;
                case SymmetryLayout.SetRef:
                    for (ulong b = (ulong)v; b != 0; b &= b - 1) _touched[s.ValuePool[i]][BitOperations.TrailingZeroCount(b)] = true;
                    break;
            }
        }
        for (int p = 0; p < _pools; p++)
            for (int o = 0; o < _size[p]; o++) _touched[p][o] |= !_blank[p][o];
        for (int p = 0; p < _pools; p++) Array.Clear(_fixed[p]);
        foreach (int i in s.Fixed)
        {
            if (_slotBlank[i]) continue;
            _fixed[s.OwnerPool[i]][s.OwnerIndex[i]] += Mix.Hash(s.KeyRelHash[s.KeyStart[i]] + (ulong)slots[i] * 0x9E3779B97F4A7C15UL);
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
        for (int p = 0; p < _pools; p++)
            for (int o = 0; o < _size[p]; o++) _next[p][o] = Mix.Hash(_color[p][o] + (_touched[p][o] ? RefinementCode.TouchedMark : RefinementCode.UntouchedMark)) + _fixed[p][o];
        foreach (int i in s.Varying)
        {
            if (_slotBlank[i]) continue;
            long v = slots[i];
            byte kind = s.Kind[i];
            int vp = s.ValuePool[i];
            ulong value = kind switch
            {
                SymmetryLayout.Ref => _color[vp][v] + 0x100,
                SymmetryLayout.OptRef => v == TypeOps.NoneValue ? 0x200UL : _color[vp][v] + 0x300,
                SymmetryLayout.SetRef => SetColor(vp, (ulong)v),
                _ => (ulong)v,
            };
            int ks = s.KeyStart[i], owner = s.OwnerPool[i];
            ulong keys = 0;
            ulong valueMix = value * 0x9E3779B97F4A7C15UL;
            if (owner >= 0)
            {
                // One key (the common case): the general loop below with no other keys.
                int oi = s.OwnerIndex[i];
                keys = Mix.Hash(_color[owner][oi] + keyPos[ks]);
                _next[owner][oi] += Mix.Hash(keyRel[ks] + valueMix);
            }
            else if (owner == -2)
            {
                int kc = s.KeyCount[i];
                for (int k = ks; k < ks + kc; k++) keys += Mix.Hash(_color[keyPool[k]][keyIndex[k]] + keyPos[k]);
                for (int k = ks; k < ks + kc; k++)
                {
                    ulong others = keys - Mix.Hash(_color[keyPool[k]][keyIndex[k]] + keyPos[k]);
                    _next[keyPool[k]][keyIndex[k]] += Mix.Hash(keyRel[k] + valueMix + others * 0xC2B2AE3D27D4EB4FUL);
                }
            }
            if (kind == SymmetryLayout.Ref || (kind == SymmetryLayout.OptRef && v != TypeOps.NoneValue))
                _next[vp][v] += Mix.Hash(s.RefHash[i] + keys);
            else if (kind == SymmetryLayout.SetRef)
                for (ulong b = (ulong)v; b != 0; b &= b - 1)
                    _next[vp][BitOperations.TrailingZeroCount(b)] += Mix.Hash(s.SetHash[i] + keys);
        }
        for (int p = 0; p < _pools; p++) (_color[p], _next[p]) = (_next[p], _color[p]);
    }

    /// <see cref="Touch"/> compiled (<see cref="RefinementCode"/>), over flat arrays; the
    /// touched marks are copied to the per-pool ones, and the colours to the flat ones.
    private void TouchCompiled(ReadOnlySpan<long> slots)
    {
        fixed (long* sp = slots)
        fixed (bool* sb = _slotBlank)
        fixed (byte* bp = _blankFlat)
        fixed (byte* tp = _touchedFlat)
        fixed (ulong* fp = _fixedFlat)
            _touchCode!(sp, (byte*)sb, bp, tp, fp);
        for (int p = 0; p < _pools; p++)
        {
            int b = _bases[p];
            for (int o = 0; o < _size[p]; o++)
            {
                _touched[p][o] = _touchedFlat[b + o] != 0;
                _colorFlat[b + o] = _color[p][o];
            }
        }
    }

    /// <see cref="Round"/> compiled, over flat arrays; the colours are copied to the per-pool ones.
    private void RoundCompiled(ReadOnlySpan<long> slots)
    {
        fixed (long* sp = slots)
        fixed (bool* sb = _slotBlank)
        fixed (byte* tp = _touchedFlat)
        fixed (ulong* cp = _colorFlat)
        fixed (ulong* fp = _fixedFlat)
        fixed (ulong* np = _nextFlat)
            _roundCode!(sp, (byte*)sb, tp, cp, fp, np);
        (_colorFlat, _nextFlat) = (_nextFlat, _colorFlat);
        for (int p = 0; p < _pools; p++) Array.Copy(_colorFlat, _bases[p], _color[p], 0, _size[p]);
    }

    /// The number of distinct colours, summed over pools, and whether a touched object shares
    /// its colour (small pools: quadratic is fine).
    private int Classes(out bool ties)
    {
        int total = 0;
        ties = false;
        for (int p = 0; p < _pools; p++)
        {
            var c = _color[p];
            var touched = _touched[p];
            for (int i = 0; i < c.Length; i++)
            {
                bool seen = false;
                for (int j = 0; j < i; j++)
                    if (c[j] == c[i])
                    {
                        seen = true;
                        ties |= touched[i] | touched[j];
                    }
                if (!seen) total++;
            }
        }
        return total;
    }

    private ulong SetColor(int pool, ulong bits)
    {
        ulong sum = 0x400;
        for (; bits != 0; bits &= bits - 1) sum += Mix.Hash(_color[pool][BitOperations.TrailingZeroCount(bits)]);
        return sum;
    }

    private void SortByColor(int p)
    {
        var order = _order[p];
        var color = _color[p];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Insertion sort: pools are small; stable, so ties keep index order.
        for (int i = 1; i < order.Length; i++)
        {
            int x = order[i];
            int j = i - 1;
            while (j >= 0 && color[order[j]] > color[x])
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
    }

    /// Finds the groups of equal colour that need trying; returns how many orders they allow.
    private long Groups(int p)
    {
        var order = _order[p];
        var color = _color[p];
        int g = 0;
        long count = 1;
        for (int i = 0; i < order.Length;)
        {
            int j = i + 1;
            while (j < order.Length && color[order[j]] == color[order[i]]) j++;
            int len = j - i;
            if (len > 1 && AnyTouched(p, i, j))
            {
                _groupStart[p][g] = i;
                _groupLen[p][g] = len;
                g++;
                for (int f = 2; f <= len; f++) count *= f;
            }
            i = j;
        }
        _groupCount[p] = g;
        return count;
    }

    private bool AnyTouched(int p, int from, int to)
    {
        for (int i = from; i < to; i++)
            if (_touched[p][_order[p][i]]) return true;
        return false;
    }

    /// Tries every order of every group (pool by pool, group by group), keeping the smallest.
    private void Enumerate(int level, ReadOnlySpan<long> slots, ref bool first)
    {
        int total = 0;
        for (int p = 0; p < _pools; p++) total += _groupCount[p];
        if (level == total)
        {
            Apply(slots, ref first);
            return;
        }
        int pool = 0, g = level;
        while (g >= _groupCount[pool]) g -= _groupCount[pool++];
        var order = _order[pool];
        int start = _groupStart[pool][g], len = _groupLen[pool][g];
        Array.Sort(order, start, len);
        do Enumerate(level + 1, slots, ref first);
        while (NextPermutation(order, start, len));
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
            var order = _order[p];
            int b = _bases[p];
            for (int k = 0; k < order.Length; k++) _permFlat[b + order[k]] = k;
        }
        fixed (long* sp = slots)
        fixed (int* pp = _permFlat)
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
        _s.Blank(slots, _layout.Defaults, _blank, _slotBlank);
        for (int p = 0; p < _pools; p++)
            for (int i = 0; i < _size[p]; i++) _order[p][i] = i;
        bool first = true;
        AllOrders(0, slots, ref first);
        _best.CopyTo(words);
    }

    private void AllOrders(int pool, ReadOnlySpan<long> slots, ref bool first)
    {
        if (pool == _pools)
        {
            for (int p = 0; p < _pools; p++)
                for (int k = 0; k < _size[p]; k++) _perm[p][k] = _order[p][k];
            _s.Permute(slots, _perm, _slotBlank, _layout.Defaults, _permuted);
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
        Array.Sort(_order[pool]);
        do AllOrders(pool + 1, slots, ref first);
        while (NextPermutation(_order[pool], 0, _size[pool]));
    }
}
