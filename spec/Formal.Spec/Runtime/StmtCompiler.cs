using System.Numerics;
using Formal.Spec.Ir;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// A compiled statement in continuation-passing style: it does its work, then calls its
/// continuation once per way the rest of the body can proceed (zero times when a `require`
/// fails, several times after a `choose`). Branches undo their writes by rolling back the trail.
public delegate void Step(Machine m);

internal sealed class StmtCompiler(ExprCompiler x)
{
    public Step Block(IReadOnlyList<Stmt> stmts, Step k)
    {
        var next = k;
        for (int i = stmts.Count - 1; i >= 0; i--) next = Statement(stmts[i], next);
        return next;
    }

    private Step Statement(Stmt s, Step k)
    {
        switch (s)
        {
            case SAssignIr a: return Assign(a, k);
            case SParallelIr p: return Parallel(p, k);
            case SRequireIr r:
            {
                var c = x.S(r.Cond);
                return m => { if (c(m) != 0) k(m); };
            }
            case SAssertIr a:
            {
                var c = x.S(a.Cond);
                return m =>
                {
                    if (c(m) != 0) k(m);
                    else m.Sink.OnAssertionFailed(m, a);
                };
            }
            case SLetIr l:
            {
                var bind = TrailedBind(l.Local, l.Value);
                return m => { bind(m); k(m); };
            }
            case SChooseIr c: return Choose(c, k);
            case SAllocIr a: return Alloc(a, k);
            case SIfIr f:
            {
                var c = x.S(f.Cond);
                var t = Block(f.Then, k);
                var e = Block(f.Else, k);
                return m => { if (c(m) != 0) t(m); else e(m); };
            }
            case SForIr f: return For(f, k);
            case SEitherIr e:
            {
                var branches = e.Branches.Select(b => Block(b, k)).ToArray();
                return m =>
                {
                    int mark = m.TrailTop;
                    for (int i = 0; i < branches.Length; i++)
                    {
                        m.PushChoice(e, i);
                        branches[i](m);
                        m.PopChoice();
                        m.Undo(mark);
                    }
                };
            }
            case SCallIr c:
            {
                var binds = c.Proc.Params.Zip(c.Args).Select(p => TrailedBind(p.First, p.Second)).ToArray();
                var body = Block(c.Proc.Body, k);
                return m =>
                {
                    foreach (var b in binds) b(m);
                    body(m);
                };
            }
            case SSkipIr: return k;
        }
        throw new InvalidOperationException($"no compilation for {s.GetType().Name}");
    }

    private Action<Machine> TrailedBind(LocalVar local, Expr value)
    {
        int slot = x.Slot(local);
        if (TypeOps.IsScalar(local.Type))
        {
            var v = x.S(value);
            return m => m.Write(slot, v(m));
        }
        var c = x.C(value);
        int w = TypeOps.Width(local.Type);
        return m =>
        {
            int src = c(m);
            for (int i = 0; i < w; i++) m.Write(slot + i, m.M[src + i]);
        };
    }

    private Step Assign(SAssignIr a, Step k)
    {
        var target = x.L(a.Target);
        if (TypeOps.IsScalar(a.Target.Type))
        {
            var v = x.S(a.Value);
            if (target.Dyn is null)
            {
                int at = target.Const;
                return m => { m.Write(at, v(m)); k(m); };
            }
            if (target.ByLocal is { } ix)
            {
                int b = ix.Base + target.Const, ks = ix.KeySlot, stride = ix.Stride;
                long lo = ix.Lo, n = ix.Count;
                var d0 = target.AsFn();
                return m =>
                {
                    long value = v(m);
                    long key = m.M[ks] - lo;
                    m.Write((ulong)key < (ulong)n ? b + (int)key * stride : d0(m), value);
                    k(m);
                };
            }
            var d = target.Dyn;
            int off = target.Const;
            return m =>
            {
                long value = v(m);
                m.Write(d(m) + off, value);
                k(m);
            };
        }
        var src = x.C(a.Value);
        var dst = target.AsFn();
        int w = TypeOps.Width(a.Target.Type);
        return m =>
        {
            int s = src(m);
            int t = dst(m);
            for (int i = 0; i < w; i++) m.Write(t + i, m.M[s + i]);
            k(m);
        };
    }

    /// Computes every target location and value first (into temporaries), then writes.
    private Step Parallel(SParallelIr p, Step k)
    {
        // One assignment computes its value before its target either way: no temporaries.
        if (p.Assignments.Count == 1) return Assign(p.Assignments[0], k);
        var parts = new List<(CFn Target, Action<Machine> Compute, int Tmp, int Width)>();
        foreach (var a in p.Assignments)
        {
            int w = TypeOps.Width(a.Target.Type);
            int tmp = x.Alloc(w);
            Action<Machine> compute;
            if (TypeOps.IsScalar(a.Value.Type))
            {
                var v = x.S(a.Value);
                compute = m => m.M[tmp] = v(m);
            }
            else
            {
                var c = x.C(a.Value);
                compute = m => Array.Copy(m.M, c(m), m.M, tmp, w);
            }
            parts.Add((x.L(a.Target).AsFn(), compute, tmp, w));
        }
        var arr = parts.ToArray();
        var targets = new int[arr.Length];
        return m =>
        {
            Span<int> at = arr.Length <= 32 ? stackalloc int[arr.Length] : new int[arr.Length];
            for (int i = 0; i < arr.Length; i++)
            {
                arr[i].Compute(m);
                at[i] = arr[i].Target(m);
            }
            for (int i = 0; i < arr.Length; i++)
                for (int j = 0; j < arr[i].Width; j++) m.Write(at[i] + j, m.M[arr[i].Tmp + j]);
            k(m);
        };
    }

    private Step Choose(SChooseIr c, Step k)
    {
        int slot = x.Slot(c.Local);
        var pred = c.Pred is null ? null : x.S(c.Pred);
        void Try(Machine m, long v)
        {
            int mark = m.TrailTop;
            m.Write(slot, v);
            if (pred is null || pred(m) != 0)
            {
                m.PushChoice(c, v);
                k(m);
                m.PopChoice();
            }
            m.Undo(mark);
        }
        switch (x.Domain(c.Domain))
        {
            case CountDomain cd:
            {
                long first = cd.First, end = cd.First + cd.Count;
                return m => { for (long v = first; v < end; v++) Try(m, v); };
            }
            case RangeDomain rd:
            {
                var lo = rd.Lo;
                var hi = rd.Hi;
                return m => { long a = lo(m), z = hi(m); for (long v = a; v <= z; v++) Try(m, v); };
            }
            case MaskDomain md:
            {
                var mask = md.Mask;
                return m =>
                {
                    ulong bits = (ulong)mask(m);
                    while (bits != 0)
                    {
                        int v = BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        Try(m, v);
                    }
                };
            }
        }
        throw new InvalidOperationException("domain");
    }

    /// Takes the lowest free object: with interchangeable objects every choice leads to an
    /// isomorphic state, so one representative suffices.
    private Step Alloc(SAllocIr a, Step k)
    {
        int slot = x.Slot(a.Local);
        int pool = x.PoolIndex(a.PoolName);
        var pred = a.Pred is null ? null : x.S(a.Pred);
        var plan = x.Domain(a.Domain);
        SFn candidates = plan switch
        {
            MaskDomain md => md.Mask,
            CountDomain cd => Mask(cd.Count),
            _ => throw new InvalidOperationException("alloc domain"),
        };
        return m =>
        {
            ulong bits = (ulong)candidates(m);
            while (bits != 0)
            {
                int v = BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                m.Write(slot, v);
                if (pred is not null && pred(m) == 0) continue;
                m.PushChoice(a, v);
                k(m);
                m.PopChoice();
                return;
            }
            m.ExhaustedAt(pool);
        };
    }

    private static SFn Mask(long count)
    {
        long mask = count >= 64 ? -1L : (long)((1UL << (int)count) - 1);
        return _ => mask;
    }

    /// A loop in continuation-passing style: the body's continuation is the next iteration, the
    /// last iteration's is the statement after the loop. Loop state lives in trailed frame slots.
    private Step For(SForIr f, Step k)
    {
        int slot = x.Slot(f.Local);
        int state = x.Alloc(2);
        var pred = f.Pred is null ? null : x.S(f.Pred);
        Step iter = null!;
        var body = Block(f.Body, m => iter(m));
        switch (x.Domain(f.Domain))
        {
            case MaskDomain md:
            {
                var mask = md.Mask;
                iter = m =>
                {
                    ulong rest = (ulong)m.M[state];
                    while (rest != 0)
                    {
                        int v = BitOperations.TrailingZeroCount(rest);
                        rest &= rest - 1;
                        m.Write(state, (long)rest);
                        m.Write(slot, v);
                        if (pred is null || pred(m) != 0) { body(m); return; }
                    }
                    k(m);
                };
                return m => { m.Write(state, mask(m)); iter(m); };
            }
            case CountDomain cd:
            {
                long first = cd.First, end = cd.First + cd.Count;
                iter = m =>
                {
                    for (long v = m.M[state]; v < end; v++)
                    {
                        m.Write(state, v + 1);
                        m.Write(slot, v);
                        if (pred is null || pred(m) != 0) { body(m); return; }
                    }
                    k(m);
                };
                return m => { m.Write(state, first); iter(m); };
            }
            case RangeDomain rd:
            {
                var lo = rd.Lo;
                var hi = rd.Hi;
                iter = m =>
                {
                    long end = m.M[state + 1];
                    for (long v = m.M[state]; v <= end; v++)
                    {
                        m.Write(state, v + 1);
                        m.Write(slot, v);
                        if (pred is null || pred(m) != 0) { body(m); return; }
                    }
                    k(m);
                };
                return m => { m.Write(state, lo(m)); m.Write(state + 1, hi(m)); iter(m); };
            }
        }
        throw new InvalidOperationException("domain");
    }
}
