namespace Formal.Spec.Types;

/// Whether two compatible types share one slot layout (so a value moves without conversion).
public static class Layout
{
    public static bool Same(Ty a, Ty b) => (a, b) switch
    {
        (ErrorTy, _) or (_, ErrorTy) => true,
        (OptionTy x, OptionTy y) => TypeOps.IsScalar(x) == TypeOps.IsScalar(y) && (TypeOps.IsScalar(x) || Same(x.Inner, y.Inner)),
        (SeqTy x, SeqTy y) => x.Capacity == y.Capacity && (x.Capacity == 0 || Same(x.Elem, y.Elem)),
        (MapTy x, MapTy y) => TypeOps.SameKeyDomain(x.Key, y.Key) && Same(x.Value, y.Value),
        (RecordTy x, RecordTy y) => x.Fields.Count == y.Fields.Count && x.Fields.Zip(y.Fields).All(p => Same(p.First.Type, p.Second.Type)),
        (AnyTy, _) => TypeOps.IsScalar(b),
        (_, AnyTy) => TypeOps.IsScalar(a),
        _ => TypeOps.IsScalar(a) && TypeOps.IsScalar(b),
    };
}
