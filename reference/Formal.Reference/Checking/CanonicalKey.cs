using System.Text;

namespace Formal.Reference;

/// <summary>
/// The deterministic canonical key of a heap, for state deduplication: every object is named by its
/// <see cref="CanonicalNumbering"/> and serialised with all fields that can influence future behaviour.
/// Equal keys mean isomorphic heaps. No hash codes are involved.
/// </summary>
public static class CanonicalKey
{
    public static string Of(Heap heap)
    {
        var n = new CanonicalNumbering(heap);
        var sb = new StringBuilder(256);
        sb.Append("inj:");
        foreach (var k in heap.PendingFailures.OrderBy(k => k))
            sb.Append(Operation.FormatAllocKind(k)).Append(',');
        if (heap.FailNextPrealloc)
            sb.Append("prealloc,");
        if (heap.HaltedBy is { } h)
            sb.Append("|halt:").Append(h.Kind).Append('@').Append(h.Function);
        foreach (var mm in heap.Processes)
        {
            sb.Append("|p").Append(mm.Pid).Append(':');
            foreach (var v in mm.Vmas)
                sb.Append('V').Append(n.Of(v)).Append(',');
            sb.Append(';');
            foreach (var (addr, page) in mm.Ptes)
                sb.Append(addr).Append("=P").Append(n.Of(page)).Append(',');
        }
        for (int i = 0; i < n.Vmas.Count; i++)
        {
            var v = n.Vmas[i];
            sb.Append("|V").Append(i).Append(':').Append(v.Mm?.Pid ?? -1).Append(' ')
              .Append(v.Start).Append('-').Append(v.End).Append('@').Append(v.PgOff).Append(' ')
              .Append(ProtText.Format(v.Prot)).Append((int)v.Flags)
              .Append(v.Freed ? 'f' : 'l').Append(v.Attached ? 'a' : 'd')
              .Append(" av").Append(n.Of(v.AnonVma))
              .Append(" pr").Append(n.Of(v.VmPrev)).Append(" nx").Append(n.Of(v.VmNext))
              .Append(" ch[");
            foreach (var c in v.Chain)
                sb.Append(n.Of(c)).Append(',');
            sb.Append(']');
        }
        for (int i = 0; i < n.AnonVmas.Count; i++)
        {
            var a = n.AnonVmas[i];
            sb.Append("|A").Append(i).Append(':').Append(a.Freed ? 'f' : 'l')
              .Append(" r").Append(n.Of(a.Root)).Append(" p").Append(n.Of(a.Parent))
              .Append(" rc").Append(a.Refcount).Append(" d").Append(a.Degree)
              .Append(" nc").Append(a.NumChildren).Append(" na").Append(a.NumActiveVmas).Append(" t[");
            foreach (var id in a.Tree.Select(n.Of).OrderBy(x => x))
                sb.Append(id).Append(',');
            sb.Append(']');
        }
        for (int i = 0; i < n.Avcs.Count; i++)
        {
            var c = n.Avcs[i];
            sb.Append("|C").Append(i).Append(':').Append(n.Of(c.Vma)).Append('/').Append(n.Of(c.AnonVma))
              .Append(c.OnChain ? 'o' : '-').Append(c.InTree ? 't' : '-').Append(c.Freed ? 'f' : 'l')
              .Append(c.CachedStart).Append('-').Append(c.CachedLast);
        }
        for (int i = 0; i < n.Pages.Count; i++)
        {
            var p = n.Pages[i];
            sb.Append("|P").Append(i).Append(':').Append(n.Of(p.Mapping)).Append('#').Append(p.Index)
              .Append('x').Append(p.MapCount).Append(p.Exclusive ? 'e' : 's').Append(p.Freed ? 'f' : 'l');
        }
        return sb.ToString();
    }

    public static byte[] Bytes(Heap heap) => Encoding.UTF8.GetBytes(Of(heap));

    /// <summary>
    /// A 128-bit digest (MurmurHash3 x64-128) of what <see cref="Of"/> describes, written as fixed-width binary
    /// fields instead of text: equal digests mean equal keys up to hash collisions. For exploring many heaps,
    /// where building the text was the cost; the numbering can be shared with other users of it.
    /// </summary>
    public static UInt128 Digest(Heap heap, CanonicalNumbering n)
    {
        var w = new DigestWriter();
        foreach (var k in new[] { AllocKind.Avc, AllocKind.AnonVma, AllocKind.Vma })
            w.Put(heap.IsPending(k) ? 1 : 0);
        w.Put(heap.FailNextPrealloc ? 1 : 0);
        if (heap.HaltedBy is { } h)
        {
            w.Put((int)h.Kind);
            w.Put(h.Function);
        }
        else
            w.Put(-1);
        w.Put(heap.Processes.Count);
        foreach (var mm in heap.Processes)
        {
            w.Put(mm.Pid);
            w.Put(mm.Vmas.Count);
            foreach (var v in mm.Vmas)
                w.Put(n.Of(v));
            w.Put(mm.Ptes.Count);
            foreach (var (addr, page) in mm.Ptes)
            {
                w.Put(addr);
                w.Put(n.Of(page));
            }
        }
        w.Put(n.Vmas.Count);
        foreach (var v in n.Vmas)
        {
            w.Put(v.Mm?.Pid ?? -1);
            w.Put(v.Start);
            w.Put(v.End);
            w.Put(v.PgOff);
            w.Put((int)v.Prot);
            w.Put((int)v.Flags);
            w.Put((v.Freed ? 1 : 0) | (v.Attached ? 2 : 0));
            w.Put(n.Of(v.AnonVma));
            w.Put(n.Of(v.VmPrev));
            w.Put(n.Of(v.VmNext));
            w.Put(v.Chain.Count);
            foreach (var c in v.Chain)
                w.Put(n.Of(c));
        }
        w.Put(n.AnonVmas.Count);
        Span<int> tree = stackalloc int[64];
        foreach (var a in n.AnonVmas)
        {
            w.Put(a.Freed ? 1 : 0);
            w.Put(n.Of(a.Root));
            w.Put(n.Of(a.Parent));
            w.Put(a.Refcount);
            w.Put(a.Degree);
            w.Put(a.NumChildren);
            w.Put(a.NumActiveVmas);
            var ids = a.Tree.Count <= tree.Length ? tree[..a.Tree.Count] : new int[a.Tree.Count];
            for (int i = 0; i < ids.Length; i++)
                ids[i] = n.Of(a.Tree[i]);
            ids.Sort();
            w.Put(ids.Length);
            foreach (var id in ids)
                w.Put(id);
        }
        w.Put(n.Avcs.Count);
        foreach (var c in n.Avcs)
        {
            w.Put(n.Of(c.Vma));
            w.Put(n.Of(c.AnonVma));
            w.Put((c.OnChain ? 1 : 0) | (c.InTree ? 2 : 0) | (c.Freed ? 4 : 0));
            w.Put(c.CachedStart);
            w.Put(c.CachedLast);
        }
        w.Put(n.Pages.Count);
        foreach (var p in n.Pages)
        {
            w.Put(n.Of(p.Mapping));
            w.Put(p.Index);
            w.Put(p.MapCount);
            w.Put((p.Exclusive ? 1 : 0) | (p.Freed ? 2 : 0));
        }
        return w.Finish();
    }

    /// <summary>Fields as 64-bit words in a per-thread buffer, hashed at the end.</summary>
    private ref struct DigestWriter
    {
        [ThreadStatic] private static ulong[]? t_buffer;
        private ulong[] _buffer;
        private int _length;

        public DigestWriter()
        {
            _buffer = t_buffer ??= new ulong[512];
            _length = 0;
        }

        public void Put(long value)
        {
            if (_length == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
                t_buffer = _buffer;
            }
            _buffer[_length++] = (ulong)value;
        }

        public void Put(string text)
        {
            Put(text.Length);
            foreach (char ch in text)
                Put(ch);
        }

        /// <summary>MurmurHash3_x64_128 (Austin Appleby's public-domain reference) of the words, seed 0.</summary>
        public readonly UInt128 Finish()
        {
            const ulong c1 = 0x87c37b91114253d5UL, c2 = 0x4cf5ad432745937fUL;
            ulong h1 = 0, h2 = 0;
            int i = 0;
            for (; i + 1 < _length; i += 2)
            {
                ulong k1 = _buffer[i], k2 = _buffer[i + 1];
                k1 *= c1; k1 = ulong.RotateLeft(k1, 31); k1 *= c2; h1 ^= k1;
                h1 = ulong.RotateLeft(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
                k2 *= c2; k2 = ulong.RotateLeft(k2, 33); k2 *= c1; h2 ^= k2;
                h2 = ulong.RotateLeft(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
            }
            if (i < _length)
            {
                ulong k1 = _buffer[i];
                k1 *= c1; k1 = ulong.RotateLeft(k1, 31); k1 *= c2; h1 ^= k1;
            }
            ulong len = (ulong)_length * 8;
            h1 ^= len; h2 ^= len;
            h1 += h2; h2 += h1;
            h1 = Mix(h1); h2 = Mix(h2);
            h1 += h2; h2 += h1;
            return new UInt128(h2, h1);
        }

        private static ulong Mix(ulong k)
        {
            k ^= k >> 33;
            k *= 0xff51afd7ed558ccdUL;
            k ^= k >> 33;
            k *= 0xc4ceb9fe1a85ec53UL;
            k ^= k >> 33;
            return k;
        }
    }
}
