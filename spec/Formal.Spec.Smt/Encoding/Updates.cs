using System.Collections.Immutable;
using Formal.Spec.Ir;
using Formal.Spec.Smt.Z3;
using Formal.Spec.Types;

namespace Formal.Spec.Smt.Encoding;

/// Functional updates along a path of fields, map keys and sequence indices: `m with [k].f = v`
/// and assignments `m[k].f := v`. A symbolic key updates every entry under "key == this key",
/// and errors inside an entry count only for the entry the key selects.
public sealed class Updates(ExprEncoder x)
{
    /// One evaluated step: a record field, or a map key / sequence index with its static type.
    public sealed record Step(Ty Container, int Field, Term Key, Ty KeyType);

    private Terms T => x.T;
    private Values V => x.V;

    public SVal With(EWith w, Env env, Guard g)
    {
        var target = x.Encode(w.Target, env, g);
        var steps = w.Path.Select(p => p.Key is null
            ? new Step(p.ContainerType, p.Field, T.False, AnyTy.Instance)
            : new Step(p.ContainerType, -1, x.Int(p.Key, env, g), p.Key.Type)).ToList();
        var value = x.Encode(w.Value, env, g);
        return Apply(target, steps, 0, value, g);
    }

    /// The state variable an assignment target writes, and the path inside it.
    public (int Var, List<Step> Steps) Target(Expr target, Env env, Guard g)
    {
        switch (target)
        {
            case EVar v: return (v.Index, new List<Step>());
            case EField f:
            {
                var (var, steps) = Target(f.Target, env, g);
                steps.Add(new Step(f.Target.Type, f.Field, T.False, AnyTy.Instance));
                return (var, steps);
            }
            case EIndex ix:
            {
                var (var, steps) = Target(ix.Target, env, g);
                steps.Add(new Step(ix.Target.Type, -1, x.Int(ix.Key, env, g), ix.Key.Type));
                return (var, steps);
            }
        }
        throw new InvalidOperationException($"not an assignment target: {IrPrinter.Print(target)}");
    }

    public SVal Apply(SVal container, IReadOnlyList<Step> steps, int i, SVal value, Guard g)
    {
        if (i == steps.Count) return value;
        var step = steps[i];
        switch (step.Container)
        {
            case RecordTy:
            {
                var r = (SRec)container;
                return new SRec(r.Fields.SetItem(step.Field, Apply(r.Fields[step.Field], steps, i + 1, value, g)));
            }
            case MapTy mt:
            {
                var m = (SMap)container;
                x.Error(g, x.KeyOutside(mt.Key, step.Key, step.KeyType));
                var values = m.Values.ToBuilder();
                for (int k = 0; k < values.Count; k++)
                {
                    var hit = KeyIs(mt.Key, step.Key, TypeOps.KeyValue(mt.Key, k));
                    if (T.IsFalse(hit)) continue;
                    values[k] = V.Ite(hit, Apply(values[k], steps, i + 1, value, g.And(hit)), values[k]);
                }
                return new SMap(values.ToImmutable());
            }
            case SeqTy:
            {
                var s = (SSeq)container;
                x.Error(g, T.Not(T.And(T.Le(T.Num(0), step.Key), T.Lt(step.Key, s.Len))));
                var elems = s.Elems.ToBuilder();
                for (int k = 0; k < elems.Count; k++)
                {
                    var hit = T.Eq(step.Key, T.Num(k));
                    if (T.IsFalse(hit)) continue;
                    elems[k] = V.Ite(hit, Apply(elems[k], steps, i + 1, value, g.And(hit)), elems[k]);
                }
                return new SSeq(s.Len, elems.ToImmutable());
            }
        }
        throw new InvalidOperationException($"cannot update inside {step.Container.Show()}");
    }

    private Term KeyIs(Ty keyType, Term key, long value) =>
        keyType is BoolTy ? (value == 1 ? key : T.Not(key)) : T.Eq(key, T.Num(value));
}
