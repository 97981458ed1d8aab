using System.Diagnostics;
using Formal.Spec.Smt.Solving;
using Formal.Spec.Smt.Z3;

namespace Formal.SmtBench;

/// Representation choice for sets and maps, measured on a hand-written BMC of a set-heavy
/// system shaped like anon_vma's chains and trees: V objects, A anon_vmas, chain: V -> set(A),
/// tree: A -> set(V); a step links or unlinks one (v, a) pair in both; the invariant says the
/// two describe the same links (a in chain[v] <=> v in tree[a]), which holds, so every depth is
/// unsat. Three encodings of the same system:
///   bools  - one Bool per (key, element): what the encoder emits (per-key copies of per-element bits)
///   bv     - one bit-vector per key (a set as an exact-width mask), per-key copies
///   array  - one array per map from key (Int) to the bit-vector set
public static class LinkBench
{
    public static double Run(string repr, int nv, int na, int depth)
    {
        using var z = new Z3Context();
        using var s = z.Solver();
        var sw = Stopwatch.StartNew();
        var frames = new List<Frame>();
        for (int k = 0; k <= depth; k++)
        {
            var f = NewFrame(z, repr, nv, na, k);
            if (k == 0) s.Assert(f.Empty());
            else
            {
                var v = z.IntConst($"v@{k}");
                var a = z.IntConst($"a@{k}");
                var link = z.BoolConst($"link@{k}");
                s.Assert(z.And(z.Le(z.Int(0), v), z.Lt(v, z.Int(nv)), z.Le(z.Int(0), a), z.Lt(a, z.Int(na))));
                s.Assert(f.Step(frames[k - 1], v, a, link));
            }
            frames.Add(f);
            var q = z.BoolConst($"q@{k}");
            s.Assert(z.Implies(q, z.Not(f.Consistent())));
            var r = s.Check([q], null);
            s.Assert(z.Not(q));
            if (r.Status != SolveStatus.Unsat) throw new InvalidOperationException($"{repr} depth {k}: {r}");
        }
        return sw.Elapsed.TotalSeconds;
    }

    private abstract class Frame(Z3Context z, int nv, int na)
    {
        protected Z3Context Z = z;
        protected int NV = nv, NA = na;
        public abstract Term InChain(int v, int a);
        public abstract Term InTree(int a, int v);
        public abstract Term Empty();
        public abstract Term Step(Frame prev, Term v, Term a, Term link);
        public Term Consistent()
        {
            var parts = new List<Term>();
            for (int v = 0; v < NV; v++)
                for (int a = 0; a < NA; a++) parts.Add(Z.Iff(InChain(v, a), InTree(a, v)));
            return Z.And(parts.ToArray());
        }
    }

    private static Frame NewFrame(Z3Context z, string repr, int nv, int na, int k) => repr switch
    {
        "bools" => new Bools(z, nv, na, k),
        "bv" => new Bv(z, nv, na, k),
        _ => new Arr(z, nv, na, k),
    };

    private sealed class Bools : Frame
    {
        private readonly Term[,] _chain, _tree;
        public Bools(Z3Context z, int nv, int na, int k) : base(z, nv, na)
        {
            _chain = new Term[nv, na];
            _tree = new Term[na, nv];
            for (int v = 0; v < nv; v++)
                for (int a = 0; a < na; a++)
                {
                    _chain[v, a] = z.BoolConst($"chain[{v}]#{a}@{k}");
                    _tree[a, v] = z.BoolConst($"tree[{a}]#{v}@{k}");
                }
        }
        public override Term InChain(int v, int a) => _chain[v, a];
        public override Term InTree(int a, int v) => _tree[a, v];
        public override Term Empty() => Z.And(Enumerable.Range(0, NV).SelectMany(v => Enumerable.Range(0, NA).SelectMany(a => new[] { Z.Not(_chain[v, a]), Z.Not(_tree[a, v]) })).ToArray());
        public override Term Step(Frame p, Term v, Term a, Term link)
        {
            var parts = new List<Term>();
            for (int i = 0; i < NV; i++)
                for (int j = 0; j < NA; j++)
                {
                    var hit = Z.And(Z.Eq(v, Z.Int(i)), Z.Eq(a, Z.Int(j)));
                    parts.Add(Z.Eq(_chain[i, j], Z.Ite(hit, link, p.InChain(i, j))));
                    parts.Add(Z.Eq(_tree[j, i], Z.Ite(hit, link, p.InTree(j, i))));
                }
            return Z.And(parts.ToArray());
        }
    }

    private sealed class Bv : Frame
    {
        private readonly Term[] _chain, _tree;
        public Bv(Z3Context z, int nv, int na, int k) : base(z, nv, na)
        {
            _chain = Enumerable.Range(0, nv).Select(v => z.Const($"chain[{v}]@{k}", z.BitVecSort((uint)na))).ToArray();
            _tree = Enumerable.Range(0, na).Select(a => z.Const($"tree[{a}]@{k}", z.BitVecSort((uint)nv))).ToArray();
        }
        public Term Chain(int v) => _chain[v];
        public Term Tree(int a) => _tree[a];
        public override Term InChain(int v, int a) => Z.Eq(Z.Extract((uint)a, (uint)a, _chain[v]), Z.BitVec(1, 1));
        public override Term InTree(int a, int v) => Z.Eq(Z.Extract((uint)v, (uint)v, _tree[a]), Z.BitVec(1, 1));
        public override Term Empty() => Z.And(_chain.Select(c => Z.Eq(c, Z.BitVec(0, (uint)NA))).Concat(_tree.Select(t => Z.Eq(t, Z.BitVec(0, (uint)NV)))).ToArray());
        public override Term Step(Frame p, Term v, Term a, Term link)
        {
            var prev = (Bv)p;
            var parts = new List<Term>();
            // The element's bit from the symbolic index: a mask selected by comparisons.
            Term Mask(Term idx, int n) => Enumerable.Range(0, n).Aggregate(Z.BitVec(0, (uint)n), (m, i) => Z.Ite(Z.Eq(idx, Z.Int(i)), Z.BitVec(1L << i, (uint)n), m));
            var ma = Mask(a, NA);
            var mv = Mask(v, NV);
            for (int i = 0; i < NV; i++)
            {
                var upd = Z.Ite(link, Z.BvOr(prev.Chain(i), ma), Z.BvAnd(prev.Chain(i), Z.BvNot(ma)));
                parts.Add(Z.Eq(_chain[i], Z.Ite(Z.Eq(v, Z.Int(i)), upd, prev.Chain(i))));
            }
            for (int j = 0; j < NA; j++)
            {
                var upd = Z.Ite(link, Z.BvOr(prev.Tree(j), mv), Z.BvAnd(prev.Tree(j), Z.BvNot(mv)));
                parts.Add(Z.Eq(_tree[j], Z.Ite(Z.Eq(a, Z.Int(j)), upd, prev.Tree(j))));
            }
            return Z.And(parts.ToArray());
        }
    }

    private sealed class Arr : Frame
    {
        private readonly Term _chain, _tree;
        public Arr(Z3Context z, int nv, int na, int k) : base(z, nv, na)
        {
            _chain = z.Const($"chain@{k}", z.ArraySort(z.IntSort, z.BitVecSort((uint)na)));
            _tree = z.Const($"tree@{k}", z.ArraySort(z.IntSort, z.BitVecSort((uint)nv)));
        }
        public override Term InChain(int v, int a) => Z.Eq(Z.Extract((uint)a, (uint)a, Z.Select(_chain, Z.Int(v))), Z.BitVec(1, 1));
        public override Term InTree(int a, int v) => Z.Eq(Z.Extract((uint)v, (uint)v, Z.Select(_tree, Z.Int(a))), Z.BitVec(1, 1));
        public override Term Empty() => Z.And(Enumerable.Range(0, NV).Select(v => Z.Eq(Z.Select(_chain, Z.Int(v)), Z.BitVec(0, (uint)NA)))
            .Concat(Enumerable.Range(0, NA).Select(a => Z.Eq(Z.Select(_tree, Z.Int(a)), Z.BitVec(0, (uint)NV)))).ToArray());
        public override Term Step(Frame p, Term v, Term a, Term link)
        {
            var prev = (Arr)p;
            Term Mask(Term idx, int n) => Enumerable.Range(0, n).Aggregate(Z.BitVec(0, (uint)n), (m, i) => Z.Ite(Z.Eq(idx, Z.Int(i)), Z.BitVec(1L << i, (uint)n), m));
            var ma = Mask(a, NA);
            var mv = Mask(v, NV);
            var oldC = Z.Select(prev._chain, v);
            var oldT = Z.Select(prev._tree, a);
            var newC = Z.Ite(link, Z.BvOr(oldC, ma), Z.BvAnd(oldC, Z.BvNot(ma)));
            var newT = Z.Ite(link, Z.BvOr(oldT, mv), Z.BvAnd(oldT, Z.BvNot(mv)));
            return Z.And(Z.Eq(_chain, Z.Store(prev._chain, v, newC)), Z.Eq(_tree, Z.Store(prev._tree, a, newT)));
        }
    }
}
