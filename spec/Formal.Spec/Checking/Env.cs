using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Checking;

/// What an expression may do where it is written.
public enum Mode
{
    /// Invariants and definitions: read the state.
    Read,
    /// Action and procedure bodies: read, write, and `old(...)`.
    Action,
    /// The init body: read and write, no `old`.
    Init,
}

/// Global names of a spec after constants are bound: constants, types, enum values, state
/// variables, definitions and procedures (the last two checked lazily, in dependency order).
public sealed class Env
{
    public required IReadOnlyDictionary<string, ConstValue> Constants { get; init; }
    public required TypeResolver Types { get; init; }
    public required Dictionary<string, (EnumTy Type, int Ordinal)> EnumMembers { get; init; }
    public required Dictionary<string, VarIr> Vars { get; init; }
    public required Dictionary<string, DefDecl> DefDecls { get; init; }
    public required Dictionary<string, ProcDecl> ProcDecls { get; init; }
    public required DiagnosticBag Diags { get; init; }

    public Dictionary<string, DefIr?> Defs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ProcIr?> Procs { get; } = new(StringComparer.Ordinal);
    public HashSet<string> InProgress { get; } = new(StringComparer.Ordinal);
    public int NextLocalId { get; set; }

    public LocalVar NewLocal(string name, Ty type, SourceSpan span) => new(NextLocalId++, name, type, span);

    public IEnumerable<string> AllNames =>
        Constants.Keys.Concat(Types.Names).Concat(EnumMembers.Keys).Concat(Vars.Keys).Concat(DefDecls.Keys);
}

/// Local variables in scope (immutable linked list: adding returns a new scope).
public sealed class Scope
{
    public static readonly Scope Empty = new(null, null);

    private readonly Scope? _parent;
    private readonly LocalVar? _local;

    private Scope(Scope? parent, LocalVar? local)
    {
        _parent = parent;
        _local = local;
    }

    public Scope With(LocalVar local) => new(this, local);

    public LocalVar? Find(string name)
    {
        for (var s = this; s is not null; s = s._parent)
            if (s._local is not null && s._local.Name == name) return s._local;
        return null;
    }

    public IEnumerable<string> Names
    {
        get
        {
            for (var s = this; s is not null; s = s._parent)
                if (s._local is not null) yield return s._local.Name;
        }
    }
}
