using System.Globalization;
using System.Numerics;
using System.Text;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// A decoded value, for traces, diffs and exports (never on the hot path).
public abstract record Value
{
    public abstract string Show();
    public sealed override string ToString() => Show();
}

public sealed record VBool(bool B) : Value { public override string Show() => B ? "true" : "false"; }
public sealed record VInt(long I) : Value { public override string Show() => I.ToString(CultureInfo.InvariantCulture); }
public sealed record VEnum(string Type, string Name, int Ordinal) : Value { public override string Show() => Name; }
/// A pool object, shown as the pool name and index (Proc0, Vma2).
public sealed record VObj(string Pool, int Index) : Value { public override string Show() => $"{Pool}{Index}"; }
public sealed record VNone : Value { public static readonly VNone Instance = new(); public override string Show() => "none"; }
public sealed record VSet(EquatableArray<Value> Items) : Value
{
    public override string Show() => "{" + string.Join(", ", Items.Select(i => i.Show())) + "}";
}
public sealed record VSeq(EquatableArray<Value> Items) : Value
{
    public override string Show() => "[" + string.Join(", ", Items.Select(i => i.Show())) + "]";
}
public sealed record VRecord(EquatableArray<(string Name, Value Value)> Fields) : Value
{
    public override string Show() => "{" + string.Join(", ", Fields.Select(f => $"{f.Name}: {f.Value.Show()}")) + "}";
}
public sealed record VMap(EquatableArray<(Value Key, Value Value)> Entries) : Value
{
    public override string Show() => "[" + string.Join(", ", Entries.Select(e => $"{e.Key.Show()} -> {e.Value.Show()}")) + "]";
}

public static class ValueCodec
{
    /// Decodes a value of type <paramref name="t"/> from its slots.
    public static Value Decode(Ty t, ReadOnlySpan<long> s)
    {
        switch (t)
        {
            case BoolTy: return new VBool(s[0] != 0);
            case IntTy: return new VInt(s[0]);
            case EnumTy e: return new VEnum(e.Name, (int)s[0] < e.Members.Count ? e.Members[(int)s[0]] : $"?{s[0]}", (int)s[0]);
            case PoolTy p: return new VObj(p.Name, (int)s[0]);
            case SetTy st:
            {
                var items = new List<Value>();
                ulong bits = (ulong)s[0];
                while (bits != 0)
                {
                    int v = BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    items.Add(Scalar(st.Elem, v));
                }
                return new VSet(EquatableArray<Value>.From(items));
            }
            case OptionTy o when TypeOps.IsScalar(t):
                return s[0] == TypeOps.NoneValue ? VNone.Instance : Scalar(o.Inner, s[0]);
            case OptionTy o:
                return s[0] == 0 ? VNone.Instance : Decode(o.Inner, s[1..]);
            case RecordTy r:
            {
                var fields = new List<(string, Value)>();
                int off = 0;
                foreach (var f in r.Fields)
                {
                    int w = TypeOps.Width(f.Type);
                    fields.Add((f.Name, Decode(f.Type, s.Slice(off, w))));
                    off += w;
                }
                return new VRecord(EquatableArray<(string, Value)>.From(fields));
            }
            case MapTy m:
            {
                long n = TypeOps.KeyCount(m.Key);
                int w = TypeOps.Width(m.Value);
                var entries = new List<(Value, Value)>();
                for (int k = 0; k < n; k++)
                    entries.Add((Scalar(m.Key, TypeOps.KeyValue(m.Key, k)), Decode(m.Value, s.Slice(k * w, w))));
                return new VMap(EquatableArray<(Value, Value)>.From(entries));
            }
            case SeqTy q:
            {
                int w = TypeOps.Width(q.Elem);
                var items = new List<Value>();
                for (int i = 0; i < s[0]; i++) items.Add(Decode(q.Elem, s.Slice(1 + i * w, w)));
                return new VSeq(EquatableArray<Value>.From(items));
            }
            default: return new VInt(s[0]);
        }
    }

    public static Value Scalar(Ty t, long v) => t switch
    {
        BoolTy => new VBool(v != 0),
        EnumTy e => new VEnum(e.Name, v >= 0 && v < e.Members.Count ? e.Members[(int)v] : $"?{v}", (int)v),
        PoolTy p => new VObj(p.Name, (int)v),
        _ => new VInt(v),
    };

    /// The leaves of a value with their paths (`x`, `x[Proc0]`, `x.start`), for diffs. Sets,
    /// sequences and scalars are leaves; maps, records and present options are descended into.
    public static IEnumerable<(string Path, Value Value)> Leaves(string path, Value v)
    {
        switch (v)
        {
            case VMap m:
                foreach (var (k, val) in m.Entries)
                    foreach (var leaf in Leaves($"{path}[{k.Show()}]", val)) yield return leaf;
                break;
            case VRecord r:
                foreach (var (name, val) in r.Fields)
                    foreach (var leaf in Leaves($"{path}.{name}", val)) yield return leaf;
                break;
            default:
                yield return (path, v);
                break;
        }
    }

    /// "what changed" between two values of the same variable, leaf by leaf.
    public static IEnumerable<string> Diff(string path, Value before, Value after)
    {
        if (before == after) yield break;
        var a = Leaves(path, before).ToList();
        var b = Leaves(path, after).ToList();
        if (a.Count != b.Count || !a.Select(x => x.Path).SequenceEqual(b.Select(x => x.Path)))
        {
            yield return $"{path}: {before.Show()} -> {after.Show()}";
            yield break;
        }
        for (int i = 0; i < a.Count; i++)
            if (a[i].Value != b[i].Value)
                yield return $"{a[i].Path}: {a[i].Value.Show()} -> {b[i].Value.Show()}";
    }

    public static string ShowState(IEnumerable<(string Name, Value Value)> vars)
    {
        var sb = new StringBuilder();
        foreach (var (n, v) in vars) sb.Append(n).Append(" = ").Append(v.Show()).Append('\n');
        return sb.ToString();
    }
}
