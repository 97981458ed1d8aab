using System.Runtime.CompilerServices;
using Formal.Spec.Ir;
using Formal.Spec.Types;

namespace Formal.Spec.Runtime;

/// A checked spec as a transition system: states are the packed working region of a
/// <see cref="Machine"/>, successors come from running every action with every parameter.
public sealed class SpecTransitionSystem : ITransitionSystem
{
    /// <param name="symmetry">reduce by the symmetric pools (default: the spec's option)</param>
    /// <param name="evaluator">how actions run (default: <see cref="CompiledSpec.DefaultEvaluator"/>);
    /// a short replay is better served by the closures, which compile ten times faster</param>
    public SpecTransitionSystem(SpecIr ir, bool? symmetry = null, Evaluator? evaluator = null)
    {
        Ir = ir;
        Compiled = CompiledSpec.Compile(ir, evaluator ?? CompiledSpec.DefaultEvaluator);
        SymmetricPools = (symmetry ?? ir.Symmetry) ? ir.Pools.Where(p => p.Symmetric).ToList() : [];
        if (SymmetricPools.Count > 0)
        {
            Symmetry = new SymmetryLayout(ir.Vars, SymmetricPools);
            Cache = new CanonicalCache();
        }
    }

    /// The pools whose objects are treated as interchangeable (empty: no reduction).
    public IReadOnlyList<PoolTy> SymmetricPools { get; }
    internal SymmetryLayout? Symmetry { get; }
    internal CanonicalCache? Cache { get; }

    public SpecIr Ir { get; }
    public CompiledSpec Compiled { get; }
    public string Name => Ir.Name;
    public int StateWords => Compiled.Layout.Words;
    public IReadOnlyList<string> InvariantNames => Ir.AllInvariants.Select(i => i.Name).ToList();
    public bool CheckDeadlock => Ir.CheckDeadlock;

    public IStateGenerator NewGenerator() => new SpecGenerator(this);

    public long NativeBytes => Cache?.Bytes ?? 0;

    /// Evaluates the spec's <see cref="SpecIr.Queries"/> on packed states.
    public QueryEvaluator NewQueryEvaluator() => new(Compiled);

    /// Answers questions about packed states built outside the generator (one per thread).
    public StateInspector NewInspector() => new(this);

    /// Packs a state given as decoded variable values (the inverse of <see cref="Decode"/>).
    /// A variable left out takes its zero value. Null with <paramref name="error"/> set when a
    /// name is unknown or a value does not fit its type.
    public ulong[]? Encode(IReadOnlyList<(string Name, Value Value)> vars, out string? error)
    {
        var layout = Compiled.Layout;
        var slots = (long[])layout.Defaults.Clone();
        foreach (var (name, value) in vars)
        {
            var v = Ir.Vars.FirstOrDefault(x => x.Name == name);
            if (v is null)
            {
                error = $"the spec has no variable {name}";
                return null;
            }
            error = ValueEncoder.Encode(v.Type, value, slots.AsSpan(layout.VarOffsets[v.Index], TypeOps.Width(v.Type)), name);
            if (error is not null) return null;
        }
        error = null;
        var words = new ulong[layout.Words];
        layout.Pack(slots, words);
        return words;
    }

    public IReadOnlyList<(string Name, Value Value)> Decode(ReadOnlySpan<ulong> state)
    {
        var slots = new long[Compiled.Layout.Slots];
        Compiled.Layout.Unpack(state, slots);
        return Ir.Vars.Select(v => (v.Name, ValueCodec.Decode(v.Type, slots.AsSpan(Compiled.Layout.VarOffsets[v.Index], TypeOps.Width(v.Type))))).ToList();
    }
}

internal sealed unsafe class SpecGenerator : IStateGenerator, IStepSink
{
    private readonly SpecTransitionSystem _ts;
    private readonly CompiledSpec _spec;
    private readonly Machine _m;
    private readonly ulong[] _packed, _canonical, _current;
    // The machine's working state and the two arrays above are pinned: successors are packed
    // through these pointers, without a fixed block per call.
    private readonly LayoutCode.SuccessorPackFn _packSuccessor;
    private readonly long* _workAt;
    private readonly ulong* _packedAt, _currentAt;
    private readonly Canonicalizer? _canon;
    private readonly CanonicalCache? _cache;
    private const int MissBatch = 256;

    private int _misses;
    // The parent's (canonical) fingerprint, once computed: stutters and successors that write
    // the state back as it was share it.
    private ulong _parentFingerprint;
    private IStateVisitor _visitor = null!;
    // Set while the visitor lets successors wait until the parent is expanded.
    private bool _defer;
    private readonly DeferredSuccessors _deferred;
    // The orbits' fingerprints of the deferred successors, announced to the visitor at once.
    private ulong[] _orbits = new ulong[64];
    private readonly long[] _slots;
    // The step of a deferred assertion while it is handed over.
    private StepLabel? _label;

    public SpecGenerator(SpecTransitionSystem ts)
    {
        _ts = ts;
        _spec = ts.Compiled;
        _m = _spec.NewMachine();
        _m.Sink = this;
        _packed = GC.AllocateArray<ulong>(_spec.Layout.Words, pinned: true);
        _canonical = new ulong[_spec.Layout.Words];
        _current = GC.AllocateArray<ulong>(_spec.Layout.Words, pinned: true);
        if (ts.Symmetry is not null) _canon = new Canonicalizer(ts.Symmetry, _spec.Layout);
        // Under symmetry a state's own fingerprint only keys the cache of canonical forms.
        _packSuccessor = _spec.Layout.SuccessorPacker(key: _canon is not null);
        _workAt = (long*)Unsafe.AsPointer(ref _m.M[_spec.Layout.Slots]);
        _packedAt = (ulong*)Unsafe.AsPointer(ref _packed[0]);
        _currentAt = (ulong*)Unsafe.AsPointer(ref _current[0]);
        _cache = ts.Cache;
        _deferred = new DeferredSuccessors(_spec.Layout.Words);
        _slots = new long[_spec.Layout.Slots];
    }

    /// States whose canonical form was approximated (too many equal-coloured objects).
    public long InexactCanonicalForms => _canon?.Inexact ?? 0;

    public bool RecordChoices
    {
        get => _m.RecordChoices;
        set => _m.RecordChoices = value;
    }

    public void Initial(IStateVisitor visitor)
    {
        _visitor = visitor;
        _defer = false;
        _m.CountExhausted = false;
        int w = _spec.Layout.Slots;
        _spec.Layout.Defaults.CopyTo(_m.M, 0);
        _spec.Layout.Defaults.CopyTo(_m.M, w);
        _m.ActionIndex = -1;
        _m.Choices.Clear();
        _m.Undo(0);
        try
        {
            _spec.InitStep(_m);
        }
        finally
        {
            _m.Undo(0);
            ReportBounds();
        }
    }

    public void Successors(ReadOnlySpan<ulong> state, IStateVisitor visitor) => Run(state, visitor, 0, _spec.Actions.Length);

    public void Successors(ReadOnlySpan<ulong> state, IStateVisitor visitor, string action)
    {
        if (_spec.ActionIndex.TryGetValue(action, out int i)) Run(state, visitor, i, i + 1);
    }

    private void Run(ReadOnlySpan<ulong> state, IStateVisitor visitor, int first, int end)
    {
        _visitor = visitor;
        int w = _spec.Layout.Slots;
        _spec.Layout.Unpack(state, _m.M.AsSpan(0, w));
        Array.Copy(_m.M, 0, _m.M, w, w);
        // Packed afresh rather than copied, so that successors can be packed incrementally
        // from it whatever unused bits the caller's words hold.
        _spec.Layout.Pack(_m.M.AsSpan(w, w), _current);
        _parentFingerprint = 0;
        _defer = visitor.MayDefer && (_canon is not null || !visitor.BatchesLookups);
        _m.CountExhausted = visitor.MayDefer;
        _deferred.Clear();
        var actions = _spec.Actions;
        try
        {
            for (int i = first; i < end; i++)
            {
                _m.ActionIndex = i;
                _m.Choices.Clear();
                actions[i].Run(_m);
                _m.Undo(0);
            }
        }
        catch (EvalError) when (_defer)
        {
            // What came before the error is handed over first, as it would have been at once.
            HandOver();
            throw;
        }
        finally
        {
            _m.Undo(0);
            ReportBounds();
        }
        if (_defer) HandOver();
    }

    // The deferred successors' cache buckets were prefetched as they were generated; by now
    // most are loaded, and the lookups no longer wait one after another. The visitor is told
    // every (canonical) fingerprint before the first successor is passed on, for the same reason.
    private void HandOver()
    {
        int n = _deferred.Count;
        if (_orbits.Length < n) Array.Resize(ref _orbits, Math.Max(n, 2 * _orbits.Length));
        int states = 0;
        for (int i = 0; i < n; i++)
        {
            if (_deferred.KindAt(i) != DeferredSuccessors.Kind.State) continue;
            ulong fp = _deferred.Fp(i);
            if (_canon is not null)
            {
                if (!_cache!.TryGet(fp, out ulong canonical))
                {
                    _spec.Layout.Unpack(_deferred.Packed(i), _slots);
                    canonical = Canonicalize(fp, _slots);
                }
                fp = canonical;
            }
            _deferred.SetFp(i, fp);
            _orbits[states++] = fp;
        }
        if (states > 0) _visitor.Prefetch(_orbits.AsSpan(0, states));
        for (int i = 0; i < n; i++)
        {
            int stutters = _deferred.StuttersBefore(i);
            if (stutters > 0) Stutters(stutters);
            if (_deferred.KindAt(i) == DeferredSuccessors.Kind.State)
            {
                _visitor.OnState(this, _deferred.Packed(i), _deferred.Fp(i));
                continue;
            }
            var (text, span, label) = _deferred.AssertionAt(i);
            _label = label;
            try { _visitor.OnAssertion(this, text, span); }
            finally { _label = null; }
        }
        if (_deferred.TrailingStutters > 0) Stutters(_deferred.TrailingStutters);
        _deferred.Clear();
    }

    // Runs of stutters are passed on at once; a visitor that only counts them is not given the
    // parent's fingerprint, which may take a canonicalization.
    private void Stutters(int count) =>
        _visitor.OnStutters(this, _current, _visitor.CountsStutters ? 0 : ParentFingerprint(), count);

    public void OnSuccessor(Machine m)
    {
        var layout = _spec.Layout;
        ulong fp;
        if (m.ActionIndex < 0)
        {
            layout.Pack(m.M.AsSpan(layout.Slots, layout.Slots), _packed);
            fp = Own(_packed);
        }
        // An empty trail (nothing written since the action began, as in `read`) is a stutter
        // without packing: half of anon_vma's stutters. Packing the whole state is cheaper than
        // scanning the trail (13 to 34 entries per anon_vma successor, half of them frame
        // writes) for the slots to re-encode; a successor equal to its parent is a stutter too.
        else if (m.Top == 0 || (fp = _packSuccessor(_workAt, _packedAt, _currentAt)) == 0)
        {
            if (_defer) _deferred.AddStutter();
            else _visitor.OnStutter(this, _current, ParentFingerprint());
            return;
        }
        if (_defer)
        {
            _cache?.Prefetch(fp);
            _deferred.AddState(fp, _packed);
            return;
        }
        if (_canon is null)
        {
            _visitor.OnState(this, _packed, fp);
            return;
        }
        // The state itself is kept (traces replay it); its orbit is identified by the canonical form.
        _visitor.OnState(this, _packed, Canonical(fp, m.M.AsSpan(layout.Slots, layout.Slots)));
    }

    // The parent is the pre-state region of the machine (unpacked) and _current (packed).
    private ulong ParentFingerprint()
    {
        if (_parentFingerprint == 0)
        {
            ulong fp = Own(_current);
            _parentFingerprint = _canon is null ? fp : Canonical(fp, _m.M.AsSpan(0, _spec.Layout.Slots));
        }
        return _parentFingerprint;
    }

    // A state's own fingerprint, as the successor packer computes it: the cache's key under symmetry.
    private ulong Own(ReadOnlySpan<ulong> packed) => _canon is null ? Fingerprint.Of(packed) : Fingerprint.Key(packed);

    /// The canonical fingerprint of a state given its own fingerprint and its unpacked slots.
    private ulong Canonical(ulong fp, ReadOnlySpan<long> slots) =>
        _cache!.TryGet(fp, out ulong canonical) ? canonical : Canonicalize(fp, slots);

    /// A cache miss: the canonical form is computed and remembered.
    private ulong Canonicalize(ulong fp, ReadOnlySpan<long> slots)
    {
        _canon!.Canonicalize(slots, _canonical);
        ulong canonical = Fingerprint.Of(_canonical);
        _cache!.Add(fp, canonical);
        if (++_misses == MissBatch)
        {
            _cache.Missed(MissBatch);
            _misses = 0;
        }
        return canonical;
    }

    public void OnAssertionFailed(Machine m, SAssertIr assertion)
    {
        if (_defer) _deferred.AddAssertion(assertion.Text, assertion.Span, CurrentLabel());
        else _visitor.OnAssertion(this, assertion.Text, assertion.Span);
    }

    public void OnExhausted(Machine m, int pool) => _visitor.OnBoundReached(this, _spec.PoolNames[pool]);

    /// Passes on the machine's counts of exhausted pools (kept while the visitor may defer).
    private void ReportBounds()
    {
        var counts = _m.Exhausted;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0) continue;
            _visitor.OnBoundReached(this, _spec.PoolNames[i], counts[i]);
            counts[i] = 0;
        }
    }

    public InvariantFailure? CheckInvariants()
    {
        foreach (var check in _spec.InvariantChecks)
        {
            long at = check(_m);
            if (at < 0) continue;
            var (i, c) = _spec.ConjunctAt[at];
            var inv = _spec.Invariants[i];
            return new InvariantFailure(inv.Ir.Name, c, inv.Ir.Conjuncts[c].Text, inv.Explanations[c](_m));
        }
        return null;
    }

    public InvariantFailure? CheckInvariants(ReadOnlySpan<ulong> packed)
    {
        if (_spec.Invariants.Length == 0) return null;
        int w = _spec.Layout.Slots;
        _spec.Layout.Unpack(packed, _m.M.AsSpan(w, w));
        return CheckInvariants();
    }

    public StepLabel CurrentLabel()
    {
        if (_label is not null) return _label;
        if (_m.ActionIndex < 0)
            return new StepLabel("init", default, Choices());
        var plan = _spec.Actions[_m.ActionIndex];
        var ps = plan.Ir.Params.Select((p, i) => (p.Name, ValueCodec.Scalar(p.Type, _m.M[plan.ParamSlots[i]])));
        return new StepLabel(plan.Ir.Name, EquatableArray<(string, Value)>.From(ps), Choices());
    }

    public void CurrentParameters(Span<long> values)
    {
        var plan = _spec.Actions[_m.ActionIndex];
        for (int i = 0; i < plan.ParamSlots.Length; i++) values[i] = _m.M[plan.ParamSlots[i]];
    }

    private EquatableArray<(string, Value)> Choices() =>
        EquatableArray<(string, Value)>.From(_m.Choices.Select(c => c.Node switch
        {
            SChooseIr ch => (ch.Local.Name, ValueCodec.Scalar(ch.Local.Type, c.Value)),
            SAllocIr al => (al.Local.Name, ValueCodec.Scalar(al.Local.Type, c.Value)),
            SEitherIr e => (e.Owner, e.Labels.Count > 0 ? new VEnum("branch", e.BranchName(c.Value), (int)c.Value) : (Value)new VInt(c.Value + 1)),
            _ => ("?", (Value)new VInt(c.Value)),
        }));
}
