using Formal.Spec.Ir;

namespace Formal.Spec.Runtime;

/// Where an action's guards can be evaluated: a guard that mentions only the first i+1
/// parameters needs evaluating once per value of those, not once per full combination (mmap's
/// `proc in procs` is the same for all 12 (start, end, prot) of a process). A guard's level is
/// the deepest parameter it or any guard before it mentions (-1: none), so guards are still
/// evaluated in their order and only where all earlier guards hold: the same successors, in
/// the same order, and the same first run-time error.
internal static class GuardLevels
{
    /// The number of leading `require` statements of the body (the action's guards) and the
    /// level of each.
    public static int[] Of(ActionIr a)
    {
        var levels = new List<int>();
        var index = new Dictionary<int, int>();
        for (int i = 0; i < a.Params.Count; i++) index[a.Params[i].Id] = i;
        // With an empty parameter domain no guard runs at all; hoisting could run one.
        int level = a.Params.Any(p => Types.TypeOps.DomainSize(p.Type) == 0) ? a.Params.Count - 1 : -1;
        foreach (var s in a.Body)
        {
            if (s is not SRequireIr r) break;
            level = Math.Max(level, Deepest(r.Cond, index, a.Params.Count));
            levels.Add(level);
        }
        return levels.ToArray();
    }

    /// The deepest parameter an expression mentions; expression forms not listed here count as
    /// mentioning every parameter (never hoisted).
    private static int Deepest(Expr e, Dictionary<int, int> param, int all)
    {
        int Of(Expr? x) => x is null ? -1 : Deepest(x, param, all);
        int Max(IEnumerable<Expr> xs) => xs.Select(Of).DefaultIfEmpty(-1).Max();
        return e switch
        {
            EConst or EVar or ETypeDomain or ENone => -1,
            ELocal l => param.TryGetValue(l.Local.Id, out var i) ? i : -1,
            EOld o => Of(o.Inner),
            EIndex ix => Math.Max(Of(ix.Target), Of(ix.Key)),
            EField f => Of(f.Target),
            EOptionValue ov => Of(ov.Target),
            EUnary u => Of(u.Operand),
            EBinary b => Math.Max(Of(b.Left), Of(b.Right)),
            ESeqContains sc => Math.Max(Of(sc.Elem), Of(sc.Seq)),
            EIf f => Math.Max(Of(f.Cond), Math.Max(Of(f.Then), Of(f.Else))),
            ELet l => Math.Max(Of(l.Value), Of(l.Body)),
            EQuant q => Math.Max(Of(q.Domain), Of(q.Body)),
            ESetLit sl => Max(sl.Items),
            ESetFilter sf => Math.Max(Of(sf.Domain), Of(sf.Pred)),
            ESetMap sm => Math.Max(Of(sm.Domain), Math.Max(Of(sm.Pred), Of(sm.Elem))),
            EMapComp mc => Of(mc.Body),
            ERecord r => Max(r.Fields),
            ESeqLit sq => Max(sq.Items),
            ESome s => Of(s.Value),
            EWith w => Math.Max(Math.Max(Of(w.Target), Of(w.Value)), Max(w.Path.Where(p => p.Key is not null).Select(p => p.Key!))),
            ECall c => Max(c.Args),
            ERange r => Math.Max(Of(r.Lo), Of(r.Hi)),
            EFind f => Math.Max(Of(f.Domain), Of(f.Pred)),
            // A definition's body mentions only its own parameters and the state.
            EDefCall d => Max(d.Args),
            EConvert cv => Of(cv.Value),
            _ => all - 1,
        };
    }
}
