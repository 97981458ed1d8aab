using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// The inverse of <see cref="ValueCodec.Decode"/>: writes a decoded value back into its slots,
/// so that states built outside the spec (the refinement checker's abstraction of a reference
/// heap) can be packed, fingerprinted and checked like the spec's own. Errors are values: a
/// value that does not fit its type (out of range, wrong kind, unknown field) is reported by
/// path, never thrown.
public static class ValueEncoder
{
    /// Writes <paramref name="v"/> of type <paramref name="t"/> to <paramref name="slots"/>
    /// (exactly <see cref="TypeOps.Width"/> slots); null on success, else what does not fit.
    public static string? Encode(Ty t, Value v, Span<long> slots, string path = "value")
    {
        switch (t, v)
        {
            case (BoolTy, VBool b):
                slots[0] = b.B ? 1 : 0;
                return null;
            case (IntTy i, VInt n):
                if (n.I < i.Lo || n.I > i.Hi) return $"{path}: {n.I} is outside {i.Show()}";
                slots[0] = n.I;
                return null;
            case (EnumTy e, VEnum m):
            {
                int k = e.Members.Items.IndexOf(m.Name);
                if (k < 0) return $"{path}: {m.Name} is not a value of {e.Name}";
                slots[0] = k;
                return null;
            }
            case (PoolTy p, VObj o):
                if (o.Pool != p.Name) return $"{path}: {o.Show()} is not a {p.Name}";
                if (o.Index < 0 || o.Index >= p.Size) return $"{path}: {o.Show()} is outside the pool {p.Name} ({p.Size} objects)";
                slots[0] = o.Index;
                return null;
            case (SetTy s, VSet set):
            {
                var (lo, count) = StateLayout.SetBitRange(s.Elem);
                ulong mask = 0;
                Span<long> one = stackalloc long[1];
                foreach (var item in set.Items)
                {
                    if (Encode(s.Elem, item, one, $"{path} element") is { } err) return err;
                    long bit = one[0];
                    if (bit < lo || bit >= lo + count || bit < 0 || bit > 63) return $"{path}: element {item.Show()} has no bit";
                    mask |= 1UL << (int)bit;
                }
                slots[0] = (long)mask;
                return null;
            }
            case (OptionTy o, VNone) when TypeOps.IsScalar(t):
                slots[0] = TypeOps.NoneValue;
                return null;
            case (OptionTy o, _) when TypeOps.IsScalar(t):
                return Encode(o.Inner, v, slots, path);
            case (OptionTy o, VNone):
                slots.Clear();
                StateLayout.DefaultSlots(o.Inner).CopyTo(slots[1..]);
                return null;
            case (OptionTy o, _):
                slots[0] = 1;
                return Encode(o.Inner, v, slots[1..], path);
            case (RecordTy r, VRecord rec):
            {
                StateLayout.DefaultSlots(t).CopyTo(slots);
                foreach (var (name, fv) in rec.Fields)
                {
                    int index = r.IndexOf(name);
                    if (index < 0) return $"{path}: {r.Show()} has no field {name}";
                    int off = 0;
                    for (int f = 0; f < index; f++) off += TypeOps.Width(r.Fields[f].Type);
                    var ft = r.Fields[index].Type;
                    if (Encode(ft, fv, slots.Slice(off, TypeOps.Width(ft)), $"{path}.{name}") is { } err) return err;
                }
                return null;
            }
            case (MapTy m, VMap map):
            {
                StateLayout.DefaultSlots(t).CopyTo(slots);
                int w = TypeOps.Width(m.Value);
                long n = TypeOps.KeyCount(m.Key);
                Span<long> key = stackalloc long[1];
                foreach (var (k, val) in map.Entries)
                {
                    if (Encode(m.Key, k, key, $"{path} key") is { } err) return err;
                    long index = TypeOps.KeyIndex(m.Key, key[0]);
                    if (index < 0 || index >= n) return $"{path}: key {k.Show()} is outside the map's domain";
                    if (Encode(m.Value, val, slots.Slice((int)index * w, w), $"{path}[{k.Show()}]") is { } err2) return err2;
                }
                return null;
            }
            case (SeqTy q, VSeq seq):
            {
                if (seq.Items.Count > q.Capacity) return $"{path}: {seq.Items.Count} elements exceed the capacity {q.Capacity}";
                StateLayout.DefaultSlots(t).CopyTo(slots);
                slots[0] = seq.Items.Count;
                int w = TypeOps.Width(q.Elem);
                for (int i = 0; i < seq.Items.Count; i++)
                    if (Encode(q.Elem, seq.Items[i], slots.Slice(1 + i * w, w), $"{path}[{i}]") is { } err) return err;
                return null;
            }
            default:
                return $"{path}: {v.Show()} is not a value of type {t.Show()}";
        }
    }
}
