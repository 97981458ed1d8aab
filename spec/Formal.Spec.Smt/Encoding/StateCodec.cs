using System.Collections.Immutable;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// Between symbolic frames and the evaluator's states: a model's frame as the evaluator's slot
/// values (packed with its <see cref="StateLayout"/>), and a packed state as constant values.
/// Leaves are visited in the layout's order (Runtime/StateLayout.AddLeaves).
public sealed class StateCodec(SpecIr ir, Values values)
{
    public StateLayout Layout { get; } = new(ir.Vars);

    public ulong[] Decode(ImmutableArray<SVal> frame, IModel m)
    {
        var slots = new List<long>(Layout.Slots);
        foreach (var v in ir.Vars) Slots(v.Type, frame[v.Index], m, slots);
        var words = new ulong[Layout.Words];
        Layout.Pack(slots.ToArray(), words);
        return words;
    }

    private static void Slots(Ty ty, SVal v, IModel m, List<long> into)
    {
        switch (ty, v)
        {
            case (BoolTy, SScalar s): into.Add(m.Bool(s.T) ? 1 : 0); break;
            case (SetTy, SSet s):
            {
                long mask = 0;
                for (int i = 0; i < s.Bits.Length; i++)
                    if (m.Bool(s.Bits[i])) mask |= 1L << (int)(s.Lo + i);
                into.Add(mask);
                break;
            }
            case (OptionTy o, SOpt s) when TypeOps.IsScalarOptionInner(o.Inner):
                if (!m.Bool(s.IsSome)) into.Add(TypeOps.NoneValue);
                else Slots(o.Inner, s.Value, m, into);
                break;
            case (OptionTy o, SOpt s):
                into.Add(m.Bool(s.IsSome) ? 1 : 0);
                Slots(o.Inner, s.Value, m, into);
                break;
            case (RecordTy r, SRec s):
                for (int i = 0; i < r.Fields.Count; i++) Slots(r.Fields[i].Type, s.Fields[i], m, into);
                break;
            case (MapTy mt, SMap s):
                foreach (var e in s.Values) Slots(mt.Value, e, m, into);
                break;
            case (SeqTy q, SSeq s):
                into.Add(m.Int(s.Len));
                foreach (var e in s.Elems) Slots(q.Elem, e, m, into);
                break;
            case (_, SScalar s): into.Add(m.Int(s.T)); break;
            default: throw new InvalidOperationException($"cannot decode {v.GetType().Name} as {ty.Show()}");
        }
    }

    /// A packed state as constant symbolic values (to ask whether a frame equals it).
    public ImmutableArray<SVal> Constant(ReadOnlySpan<ulong> packed)
    {
        var slots = new long[Layout.Slots];
        Layout.Unpack(packed, slots);
        int pos = 0;
        var result = ImmutableArray.CreateBuilder<SVal>();
        foreach (var v in ir.Vars) result.Add(Constant(v.Type, slots, ref pos));
        return result.ToImmutable();
    }

    private SVal Constant(Ty ty, long[] slots, ref int pos)
    {
        var t = values.T;
        switch (ty)
        {
            case BoolTy: return new SScalar(t.Bool(slots[pos++] != 0));
            case SetTy st:
            {
                long mask = slots[pos++];
                var (lo, n) = Values.SetRange(st.Elem);
                return new SSet(lo, Enumerable.Range(0, n).Select(i => t.Bool(((mask >> (int)(lo + i)) & 1) != 0)).ToImmutableArray());
            }
            case OptionTy o when TypeOps.IsScalarOptionInner(o.Inner):
            {
                long v = slots[pos++];
                return v == TypeOps.NoneValue ? values.Default(o) : new SOpt(t.True, values.Scalar(o.Inner, v));
            }
            case OptionTy o:
            {
                bool some = slots[pos++] != 0;
                return new SOpt(t.Bool(some), Constant(o.Inner, slots, ref pos));
            }
            case RecordTy r:
            {
                var fields = new List<SVal>();
                foreach (var f in r.Fields) fields.Add(Constant(f.Type, slots, ref pos));
                return new SRec(fields.ToImmutableArray());
            }
            case MapTy m:
            {
                var entries = new List<SVal>();
                for (long k = 0; k < TypeOps.KeyCount(m.Key); k++) entries.Add(Constant(m.Value, slots, ref pos));
                return new SMap(entries.ToImmutableArray());
            }
            case SeqTy q:
            {
                var len = t.Num(slots[pos++]);
                var elems = new List<SVal>();
                for (int i = 0; i < q.Capacity; i++) elems.Add(Constant(q.Elem, slots, ref pos));
                return new SSeq(len, elems.ToImmutableArray());
            }
            default: return new SScalar(t.Num(slots[pos++]));
        }
    }

    /// The label of a step as the evaluator shows it: the action and its parameter values.
    public static StepLabel Label(ActionIr a, IReadOnlyList<long> paramValues) =>
        new(a.Name, EquatableArray<(string, Value)>.From(a.Params.Select((p, i) => (p.Name, ValueCodec.Scalar(p.Type, paramValues[i])))), default);
}
