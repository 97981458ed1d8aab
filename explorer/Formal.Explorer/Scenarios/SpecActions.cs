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
        Walk(body, s =>
        {
            switch (s)
            {
                case SChooseIr c: names.Add(c.Local.Name); break;
                case SAllocIr a: names.Add(a.Local.Name); break;
                case SEitherIr e: names.Add(e.Owner); break;
            }
        });
        return names;
    }

    /// The labelled `either`s of a body (procedures called included), by owner: what a choice
    /// `owner: label` of a trace means.
    public static Dictionary<string, List<SEitherIr>> Eithers(IEnumerable<Stmt> body)
    {
        var byOwner = new Dictionary<string, List<SEitherIr>>(StringComparer.Ordinal);
        Walk(body, s =>
        {
            if (s is SEitherIr e)
            {
                if (!byOwner.TryGetValue(e.Owner, out var list)) byOwner[e.Owner] = list = [];
                list.Add(e);
            }
        });
        return byOwner;
    }

    private static void Walk(IEnumerable<Stmt> body, Action<Stmt> visit)
    {
        var seen = new HashSet<ProcIr>(ReferenceEqualityComparer.Instance);
        void Go(IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
            {
                visit(s);
                switch (s)
                {
                    case SIfIr i: Go(i.Then); Go(i.Else); break;
                    case SForIr f: Go(f.Body); break;
                    case SEitherIr e: foreach (var b in e.Branches) Go(b); break;
                    case SCallIr call when seen.Add(call.Proc): Go(call.Proc.Body); break;
                }
            }
        }
        Go(body);
    }
}
