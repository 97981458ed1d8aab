using System.Collections.Immutable;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// `EConvert`: moves a value into the layout of a compatible type with the evaluator's checks
/// (integer ranges, set elements, sequence capacities), recursively through options, records,
/// maps and sequences.
internal sealed class Conversions(ExprEncoder x)
{
    private Terms T => x.T;
    private Values V => x.V;

    public SVal Convert(EConvert cv, Env env, Guard g) => To(x.Encode(cv.Value, env, g), cv.Value.Type, cv.Type, g);

    private static bool Within(Ty from, IntTy to) => from is IntTy { IsFinite: true } f && f.Lo >= to.Lo && f.Hi <= to.Hi;

    public SVal To(SVal v, Ty from, Ty to, Guard g)
    {
        switch (to)
        {
            case IntTy t when t.IsFinite && from is IntTy:
                if (!Within(from, t)) x.Error(g, T.Not(T.InRange(((SScalar)v).T, t.Lo, t.Hi)));
                return v;
            case OptionTy ot when TypeOps.IsScalar(to):
            {
                var o = (SOpt)v;
                if (ot.Inner is IntTy { IsFinite: true } t && !(from is OptionTy { Inner: var fi } && Within(fi, t)))
                    x.Error(g, T.And(o.IsSome, T.Not(T.InRange(((SScalar)o.Value).T, t.Lo, t.Hi))));
                return new SOpt(o.IsSome, V.Ite(o.IsSome, o.Value, V.Default(ot.Inner)));
            }
            case SetTy st:
            {
                var s = (SSet)v;
                var (lo, n) = Values.SetRange(st.Elem);
                if (st.Elem is IntTy)
                {
                    var outside = new List<Term>();
                    for (int i = 0; i < s.Bits.Length; i++)
                        if (s.Lo + i < lo || s.Lo + i >= lo + n) outside.Add(s.Bits[i]);
                    x.Error(g, T.Or(outside));
                }
                return V.Rebase(s, lo, n);
            }
            case OptionTy ot:
            {
                if (from is not OptionTy fo || TypeOps.IsScalar(from)) return V.Default(to);
                var o = (SOpt)v;
                var inner = To(o.Value, fo.Inner, ot.Inner, g.And(o.IsSome));
                return new SOpt(o.IsSome, V.Ite(o.IsSome, inner, V.Default(ot.Inner)));
            }
            case RecordTy rt:
            {
                var fr = (RecordTy)from;
                var r = (SRec)v;
                return new SRec(rt.Fields.Select((f, i) => To(r.Fields[i], fr.Fields[i].Type, f.Type, g)).ToImmutableArray());
            }
            case MapTy mt:
            {
                var fm = (MapTy)from;
                var m = (SMap)v;
                return new SMap(m.Values.Select(e => To(e, fm.Value, mt.Value, g)).ToImmutableArray());
            }
            case SeqTy qt:
            {
                var s = (SSeq)v;
                var fq = from as SeqTy;
                x.Error(g, T.Gt(s.Len, T.Num(qt.Capacity)));
                var d = V.Default(qt.Elem);
                var elems = new List<SVal>();
                for (int i = 0; i < qt.Capacity; i++)
                {
                    if (fq is null || fq.Elem is AnyTy || i >= s.Elems.Length) { elems.Add(d); continue; }
                    var inside = T.Lt(T.Num(i), s.Len);
                    elems.Add(V.Ite(inside, To(s.Elems[i], fq.Elem, qt.Elem, g.And(inside)), d));
                }
                return new SSeq(s.Len, elems.ToImmutableArray());
            }
            default:
                return v;
        }
    }
}
