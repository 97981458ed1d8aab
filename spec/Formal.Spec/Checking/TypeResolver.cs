using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;
using Formal.Spec.Types;

namespace Formal.Spec.Checking;

/// Resolves written types (AType) to <see cref="Ty"/>, following named types lazily and
/// reporting cycles; checks that types of state are finite.
public sealed class TypeResolver
{
    private readonly Dictionary<string, TypeDecl> _decls;
    private readonly Dictionary<string, Ty> _resolved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
    private readonly ConstEval _consts;
    private readonly DiagnosticBag _diags;

    public const int MaxPoolSize = 64;
    public const long MaxMapKeys = 1 << 20;

    public TypeResolver(IEnumerable<TypeDecl> decls, ConstEval consts, DiagnosticBag diags)
    {
        _decls = new Dictionary<string, TypeDecl>(StringComparer.Ordinal);
        foreach (var d in decls) _decls.TryAdd(d.Name, d);
        _consts = consts;
        _diags = diags;
    }

    public IEnumerable<string> Names => _decls.Keys;

    public Ty? Named(string name, SourceSpan span)
    {
        if (_resolved.TryGetValue(name, out var t)) return t;
        if (!_decls.TryGetValue(name, out var decl)) return null;
        if (!_resolving.Add(name))
        {
            _diags.Error(span, $"type '{name}' is defined in terms of itself");
            return ErrorTy.Instance;
        }
        Ty result;
        switch (decl)
        {
            case PoolDecl p:
            {
                var size = _consts.Int(p.Size, $"the size of pool '{p.Name}'");
                if (size is { } s && (s < 1 || s > MaxPoolSize))
                    _diags.Error(p.Size.Span, $"pool '{p.Name}' has size {s}; pools hold 1 to {MaxPoolSize} objects");
                result = size is { } ok and >= 1 and <= MaxPoolSize ? new PoolTy(p.Name, (int)ok, p.Symmetric) : ErrorTy.Instance;
                break;
            }
            case EnumDecl e:
                result = new EnumTy(e.Name, EquatableArray<string>.From(e.Members.Select(m => m.Name)));
                break;
            case AliasDecl a:
            {
                var inner = Resolve(a.Type);
                result = inner is RecordTy r ? r with { Name = a.Name } : inner;
                break;
            }
            default:
                result = ErrorTy.Instance;
                break;
        }
        _resolving.Remove(name);
        _resolved[name] = result;
        return result;
    }

    public Ty Resolve(AType t)
    {
        switch (t)
        {
            case ATypeName n:
                if (n.Name == "bool") return BoolTy.Instance;
                if (n.Name == "int")
                {
                    _diags.Error(n.Span, "'int' is unbounded; give a range such as 0..7");
                    return ErrorTy.Instance;
                }
                if (Named(n.Name, n.Span) is { } named) return named;
                _diags.Error(n.Span, $"unknown type '{n.Name}'{Suggest.Hint(n.Name, _decls.Keys.Append("bool"))}");
                return ErrorTy.Instance;
            case ATypeRange r:
            {
                var lo = _consts.Int(r.Lo, "a range bound");
                var hi = _consts.Int(r.Hi, "a range bound");
                if (lo is null || hi is null) return ErrorTy.Instance;
                if (hi < lo)
                {
                    _diags.Error(r.Span, $"empty range {lo}..{hi}");
                    return ErrorTy.Instance;
                }
                return new IntTy(lo.Value, hi.Value);
            }
            case ATypeSet s:
            {
                var elem = Resolve(s.Elem);
                if (TypeOps.SetElementProblem(elem) is { } problem) { _diags.Error(s.Span, problem); return ErrorTy.Instance; }
                return new SetTy(elem);
            }
            case ATypeOption o:
            {
                var inner = Resolve(o.Inner);
                if (inner is OptionTy) { _diags.Error(o.Span, "option of option is not supported"); return ErrorTy.Instance; }
                return new OptionTy(inner);
            }
            case ATypeSeq q:
            {
                var elem = Resolve(q.Elem);
                var cap = _consts.Int(q.Capacity, "a sequence's maximum length");
                if (cap is null) return ErrorTy.Instance;
                if (cap < 0 || cap > 64) { _diags.Error(q.Capacity.Span, $"a sequence's maximum length must be 0..64, not {cap}"); return ErrorTy.Instance; }
                return new SeqTy(elem, (int)cap);
            }
            case ATypeMap m:
            {
                var key = Resolve(m.Key);
                var value = Resolve(m.Value);
                if (key is ErrorTy || value is ErrorTy) return ErrorTy.Instance;
                long n = TypeOps.KeyCount(key);
                if (n == 0)
                {
                    _diags.Error(m.Key.Span, $"map keys must be bool, a finite integer range, an enum or a pool; not {key.Show()}");
                    return ErrorTy.Instance;
                }
                if (n > MaxMapKeys) { _diags.Error(m.Key.Span, $"map over {n} keys is too large (at most {MaxMapKeys})"); return ErrorTy.Instance; }
                return new MapTy(key, value);
            }
            case ATypeRecord r:
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var fields = new List<Field>();
                foreach (var (name, span, ft) in r.Fields)
                {
                    if (!seen.Add(name)) _diags.Error(span, $"duplicate field '{name}'");
                    fields.Add(new Field(name, Resolve(ft)));
                }
                return new RecordTy(null, EquatableArray<Field>.From(fields));
            }
            default:
                return ErrorTy.Instance;
        }
    }

    /// Reports why a type cannot hold state (unbounded integers, huge state), or null.
    public static string? StorageProblem(Ty t) => t switch
    {
        IntTy i when !i.IsFinite => "an unbounded integer cannot be stored in the state; give a range",
        AnyTy => "the element type is unknown",
        OptionTy o => StorageProblem(o.Inner),
        SetTy s => StorageProblem(s.Elem),
        SeqTy s => StorageProblem(s.Elem),
        MapTy m => StorageProblem(m.Value),
        RecordTy r => r.Fields.Select(f => StorageProblem(f.Type)).FirstOrDefault(p => p is not null),
        _ => null,
    };
}
