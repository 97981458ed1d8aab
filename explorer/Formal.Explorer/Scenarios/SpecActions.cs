using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Explorer.Scenarios;

/// What a spec's actions accept, as text: the values of each parameter (in the order the
/// generator enumerates them) and the names of the choices inside each action.
public static class SpecActions
{
    public static List<string> Domain(Ty t)
    {
        long size = TypeOps.DomainSize(t);
        long first = t is IntTy it ? it.Lo : 0;
        var values = new List<string>();
        for (long v = first; v < first + size && values.Count < 4096; v++) values.Add(ValueCodec.Scalar(t, v).Show());
        return values;
    }

    /// The choice names a label of this body can carry: choose/alloc locals, and for `either` the
    /// action or procedure it is written in.
    public static HashSet<string> ChoiceNames(IEnumerable<Stmt> body)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<ProcIr>(ReferenceEqualityComparer.Instance);
        void Walk(IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
                switch (s)
                {
                    case SChooseIr c: names.Add(c.Local.Name); break;
                    case SAllocIr a: names.Add(a.Local.Name); break;
                    case SIfIr i: Walk(i.Then); Walk(i.Else); break;
                    case SForIr f: Walk(f.Body); break;
                    case SEitherIr e:
                        names.Add(e.Owner);
                        foreach (var b in e.Branches) Walk(b);
                        break;
                    case SCallIr call when seen.Add(call.Proc): Walk(call.Proc.Body); break;
                }
        }
        Walk(body);
        return names;
    }
}
