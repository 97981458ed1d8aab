namespace Formal.Spec.Types;

/// Compatibility, joins and representation facts about types.
public static class TypeOps
{
    public const int MaxSetElements = 64;
    public const long NoneValue = long.MinValue;

    public static bool IsError(Ty t) => t is ErrorTy;
    public static bool IsInt(Ty t) => t is IntTy or ErrorTy or AnyTy;
    public static bool IsBool(Ty t) => t is BoolTy or ErrorTy or AnyTy;

    /// Values of the same representation family: integer intervals, set element types and
    /// sequence capacities may differ (values are converted); everything else must match.
    public static bool Compatible(Ty a, Ty b) => (a, b) switch
    {
        (ErrorTy or AnyTy, _) or (_, ErrorTy or AnyTy) => true,
        (BoolTy, BoolTy) => true,
        (IntTy, IntTy) => true,
        (EnumTy x, EnumTy y) => x.Name == y.Name,
        (PoolTy x, PoolTy y) => x.Name == y.Name,
        (OptionTy x, OptionTy y) => Compatible(x.Inner, y.Inner),
        (SetTy x, SetTy y) => Compatible(x.Elem, y.Elem),
        (SeqTy x, SeqTy y) => Compatible(x.Elem, y.Elem),
        (MapTy x, MapTy y) => SameKeyDomain(x.Key, y.Key) && Compatible(x.Value, y.Value),
        (RecordTy x, RecordTy y) => x.Fields.Count == y.Fields.Count &&
            x.Fields.Zip(y.Fields).All(p => p.First.Name == p.Second.Name && Compatible(p.First.Type, p.Second.Type)),
        _ => false,
    };

    public static bool SameKeyDomain(Ty a, Ty b) => (a, b) switch
    {
        (ErrorTy or AnyTy, _) or (_, ErrorTy or AnyTy) => true,
        (IntTy x, IntTy y) => x.Lo == y.Lo && x.Hi == y.Hi,
        _ => Compatible(a, b),
    };

    /// The least type holding values of both (assumes <see cref="Compatible"/>).
    public static Ty Join(Ty a, Ty b) => (a, b) switch
    {
        (ErrorTy, _) or (_, ErrorTy) => ErrorTy.Instance,
        (AnyTy, _) => b,
        (_, AnyTy) => a,
        (IntTy x, IntTy y) => new IntTy(Math.Min(x.Lo, y.Lo), Math.Max(x.Hi, y.Hi)),
        (OptionTy x, OptionTy y) => new OptionTy(Join(x.Inner, y.Inner)),
        (SetTy x, SetTy y) => new SetTy(Join(x.Elem, y.Elem)),
        (SeqTy x, SeqTy y) => new SeqTy(Join(x.Elem, y.Elem), Math.Max(x.Capacity, y.Capacity)),
        (MapTy x, MapTy y) => new MapTy(x.Key is AnyTy ? y.Key : x.Key, Join(x.Value, y.Value)),
        (RecordTy x, RecordTy y) => new RecordTy(x.Name ?? y.Name,
            EquatableArray<Field>.From(x.Fields.Zip(y.Fields).Select(p => new Field(p.First.Name, Join(p.First.Type, p.Second.Type))))),
        _ => a,
    };

    /// True when every value of <paramref name="from"/> fits <paramref name="to"/> without a check
    /// and with the same slot layout.
    public static bool Subsumes(Ty to, Ty from) => (to, from) switch
    {
        (_, ErrorTy) or (ErrorTy, _) => true,
        (IntTy t, IntTy f) => t.Lo <= f.Lo && f.Hi <= t.Hi,
        (OptionTy t, OptionTy f) => f.Inner is AnyTy || Subsumes(t.Inner, f.Inner),
        (SetTy t, SetTy f) => f.Elem is AnyTy || Subsumes(t.Elem, f.Elem),
        (SeqTy t, SeqTy f) => t.Capacity == f.Capacity && (f.Elem is AnyTy || Subsumes(t.Elem, f.Elem)),
        (MapTy t, MapTy f) => SameKeyDomain(t.Key, f.Key) && Subsumes(t.Value, f.Value),
        (RecordTy t, RecordTy f) => t.Fields.Zip(f.Fields).All(p => Subsumes(p.First.Type, p.Second.Type)),
        _ => Compatible(to, from),
    };

    /// Scalars live in one 64-bit slot; composites (records, maps, sequences, options of
    /// composites) span several.
    public static bool IsScalar(Ty t) => t switch
    {
        BoolTy or IntTy or EnumTy or PoolTy or SetTy or AnyTy or ErrorTy => true,
        OptionTy o => IsScalarOptionInner(o.Inner),
        _ => false,
    };

    public static bool IsScalarOptionInner(Ty inner) => inner is BoolTy or IntTy or EnumTy or PoolTy or AnyTy or ErrorTy;

    /// Number of 64-bit slots a value occupies in the unpacked state.
    public static int Width(Ty t) => t switch
    {
        RecordTy r => r.Fields.Sum(f => Width(f.Type)),
        MapTy m => checked((int)KeyCount(m.Key) * Width(m.Value)),
        SeqTy s => 1 + s.Capacity * Width(s.Elem),
        OptionTy o when !IsScalarOptionInner(o.Inner) => 1 + Width(o.Inner),
        _ => 1,
    };

    /// How many keys a map over this key type has (0 when it cannot be a map key).
    public static long KeyCount(Ty key) => key switch
    {
        BoolTy => 2,
        IntTy i when i.IsFinite => i.Count,
        EnumTy e => e.Members.Count,
        PoolTy p => p.Size,
        _ => 0,
    };

    /// Index of a key value in a map's slot array.
    public static long KeyIndex(Ty key, long value) => key switch
    {
        IntTy i => value - i.Lo,
        _ => value,
    };

    public static long KeyValue(Ty key, long index) => key switch
    {
        IntTy i => index + i.Lo,
        _ => index,
    };

    /// Whether values of this type can be elements of a set (bit positions 0..63).
    public static string? SetElementProblem(Ty elem) => elem switch
    {
        BoolTy or AnyTy or ErrorTy => null,
        EnumTy e => e.Members.Count <= MaxSetElements ? null : $"enum {e.Name} has more than {MaxSetElements} values",
        PoolTy p => p.Size <= MaxSetElements ? null : $"pool {p.Name} has more than {MaxSetElements} objects",
        IntTy i => i.Lo >= 0 && i.Hi < MaxSetElements ? null
            : $"integer set elements must lie in 0..{MaxSetElements - 1}, but these range over {i.Show()}",
        _ => $"sets of {elem.Show()} are not supported (elements must be bool, integers in 0..63, enum values or pool objects)",
    };

    /// Number of distinct values of a finite scalar type (for packing); null when unbounded.
    public static ulong? Cardinality(Ty t) => t switch
    {
        BoolTy => 2,
        IntTy i when i.IsFinite && i.Count > 0 => (ulong)i.Count,
        EnumTy e => (ulong)e.Members.Count,
        PoolTy p => (ulong)p.Size,
        _ => null,
    };

    /// Every value of a finite type, in ascending order (for domains like `Proc`).
    public static long DomainSize(Ty t) => t switch
    {
        BoolTy => 2,
        EnumTy e => e.Members.Count,
        PoolTy p => p.Size,
        IntTy i when i.IsFinite => i.Count,
        _ => -1,
    };
}
