using System.Globalization;

namespace Formal.Spec.Types;

/// Types of the spec language. Every type a state variable can have is finite; integer
/// expressions carry the interval their values can take (computed by interval arithmetic), so
/// that sets of computed integers still have a finite element domain.
public abstract record Ty
{
    public abstract string Show();
    public sealed override string ToString() => Show();
}

public sealed record BoolTy : Ty
{
    public static readonly BoolTy Instance = new();
    public override string Show() => "bool";
}

public sealed record IntTy(long Lo, long Hi) : Ty
{
    public static readonly IntTy Unbounded = new(long.MinValue, long.MaxValue);
    public bool IsFinite => Lo != long.MinValue && Hi != long.MaxValue;
    public long Count => IsFinite ? Hi - Lo + 1 : long.MaxValue;

    public override string Show() => IsFinite
        ? $"{Lo.ToString(CultureInfo.InvariantCulture)}..{Hi.ToString(CultureInfo.InvariantCulture)}"
        : "int";
}

public sealed record EnumTy(string Name, EquatableArray<string> Members) : Ty
{
    public override string Show() => Name;
}

/// A finite pool of interchangeable objects (processes, VMAs, ...); symmetric pools may be
/// permuted by the explorer's symmetry reduction.
public sealed record PoolTy(string Name, int Size, bool Symmetric) : Ty
{
    public override string Show() => Name;
}

public sealed record OptionTy(Ty Inner) : Ty
{
    public override string Show() => $"option({Inner.Show()})";
}

public sealed record SetTy(Ty Elem) : Ty
{
    public override string Show() => $"set({Elem.Show()})";
}

public sealed record MapTy(Ty Key, Ty Value) : Ty
{
    public override string Show() => $"{(Key is MapTy ? $"({Key.Show()})" : Key.Show())} -> {Value.Show()}";
}

public sealed record SeqTy(Ty Elem, int Capacity) : Ty
{
    public override string Show() => $"seq({Elem.Show()}, {Capacity})";
}

public sealed record Field(string Name, Ty Type);

public sealed record RecordTy(string? Name, EquatableArray<Field> Fields) : Ty
{
    public int IndexOf(string name)
    {
        for (int i = 0; i < Fields.Count; i++)
            if (Fields[i].Name == name) return i;
        return -1;
    }

    public override string Show() => Name ?? "{" + string.Join(", ", Fields.Select(f => $"{f.Name}: {f.Type.Show()}")) + "}";
}

/// The element type of `{}`, `[]` and `none` before context fixes it; compatible with anything.
public sealed record AnyTy : Ty
{
    public static readonly AnyTy Instance = new();
    public override string Show() => "?";
}

/// The type of an expression that already has an error; compatible with anything, so that one
/// mistake produces one message.
public sealed record ErrorTy : Ty
{
    public static readonly ErrorTy Instance = new();
    public override string Show() => "<error>";
}
