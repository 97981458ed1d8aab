using System.Globalization;
using Formal.Explorer.Json;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Traces;

/// Reads values written by <see cref="ValueJson"/> back, guided by the spec's types. Problems are
/// reported at the position of the offending JSON value.
public sealed class ValueReader(SpecIr ir, DiagnosticBag diags)
{
    public Value? Read(Ty t, JNode n, string what)
    {
        switch (t)
        {
            case BoolTy when n is JBool b: return new VBool(b.Value);
            case IntTy it when n is JNumber num && num.Int is { } i:
                if (it.IsFinite && (i < it.Lo || i > it.Hi)) return Fail(n, $"{what}: {i} is outside {it.Show()}");
                return new VInt(i);
            case EnumTy or PoolTy when n is JString s: return Scalar(t, s, what);
            case SetTy st when n is JObject o && o.Members.Count == 1 && o.Get("#set") is JArray items:
            {
                var values = new List<Value>();
                foreach (var item in items.Items)
                    if (Read(st.Elem, item, what) is { } v) values.Add(v);
                return new VSet(EquatableArray<Value>.From(values.OrderBy(Code).Distinct()));
            }
            case OptionTy when n is JNull: return VNone.Instance;
            case OptionTy o: return Read(o.Inner, n, what);
            case RecordTy r when n is JObject o:
            {
                var fields = new List<(string, Value)>();
                foreach (var f in r.Fields)
                {
                    if (o.Get(f.Name) is not { } fv) return Fail(n, $"{what}: missing field '{f.Name}'");
                    if (Read(f.Type, fv, $"{what}.{f.Name}") is not { } v) return null;
                    fields.Add((f.Name, v));
                }
                foreach (var (key, span, _) in o.Members)
                    if (r.IndexOf(key) < 0) diags.Error(span, $"{what}: {r.Show()} has no field '{key}'");
                return new VRecord(EquatableArray<(string, Value)>.From(fields));
            }
            case MapTy m when n is JObject o && o.Members.Count == 1 && o.Get("#map") is JArray pairs:
            {
                long count = TypeOps.KeyCount(m.Key);
                if (pairs.Items.Count != count) return Fail(n, $"{what}: a map over {m.Key.Show()} has {count} entries, not {pairs.Items.Count}");
                var entries = new List<(Value, Value)>();
                for (int k = 0; k < count; k++)
                {
                    var expectedKey = ValueCodec.Scalar(m.Key, TypeOps.KeyValue(m.Key, k));
                    if (pairs.Items[k] is not JArray { Items.Count: 2 } pair) return Fail(pairs.Items[k], $"{what}: a map entry must be [key, value]");
                    if (Read(m.Key, pair.Items[0], what) is not { } key) return null;
                    if (key != expectedKey) return Fail(pair.Items[0], $"{what}: expected the entry for key {expectedKey.Show()}, found {key.Show()}");
                    if (Read(m.Value, pair.Items[1], $"{what}[{key.Show()}]") is not { } v) return null;
                    entries.Add((key, v));
                }
                return new VMap(EquatableArray<(Value, Value)>.From(entries));
            }
            case SeqTy q when n is JArray a:
            {
                if (a.Items.Count > q.Capacity) return Fail(n, $"{what}: longer than the capacity {q.Capacity}");
                var values = new List<Value>();
                foreach (var item in a.Items)
                    if (Read(q.Elem, item, what) is { } v) values.Add(v); else return null;
                return new VSeq(EquatableArray<Value>.From(values));
            }
        }
        return Fail(n, $"{what}: expected a value of type {t.Show()}, found {n.KindName}");
    }

    /// A parameter or choice value whose type is not known here: numbers and booleans as they
    /// are, strings as the enum value or pool object of that name.
    public Value? ReadLoose(JNode n, string what)
    {
        switch (n)
        {
            case JBool b: return new VBool(b.Value);
            case JNumber num when num.Int is { } i: return new VInt(i);
            case JString s:
                foreach (var t in ir.Types)
                    if (t is EnumTy e && e.Members.Contains(s.Value) || t is PoolTy p && s.Value.StartsWith(p.Name, StringComparison.Ordinal))
                        if (Scalar(t, s, what, quiet: true) is { } v) return v;
                return Fail(n, $"{what}: '{s.Value}' is not an enum value or object of the spec");
        }
        return Fail(n, $"{what}: expected a number, boolean or name, found {n.KindName}");
    }

    private Value? Scalar(Ty t, JString s, string what, bool quiet = false)
    {
        if (t is EnumTy e)
        {
            int i = e.Members.Items.IndexOf(s.Value);
            if (i >= 0) return new VEnum(e.Name, s.Value, i);
            return quiet ? null : Fail(s, $"{what}: '{s.Value}' is not a value of {e.Name}{Suggest.Hint(s.Value, e.Members)}");
        }
        var p = (PoolTy)t;
        if (s.Value.StartsWith(p.Name, StringComparison.Ordinal)
            && int.TryParse(s.Value.AsSpan(p.Name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < p.Size)
            return new VObj(p.Name, index);
        return quiet ? null : Fail(s, $"{what}: '{s.Value}' is not an object of the pool {p.Name} ({p.Name}0..{p.Name}{p.Size - 1})");
    }

    /// The order sets are decoded in (ascending slot code), so read sets equal decoded ones.
    private static long Code(Value v) => v switch
    {
        VBool b => b.B ? 1 : 0,
        VInt i => i.I,
        VEnum e => e.Ordinal,
        VObj o => o.Index,
        _ => 0,
    };

    private Value? Fail(JNode n, string message)
    {
        diags.Error(n.Span, message);
        return null;
    }
}
