using Formal.Explorer.Traces;
using Formal.Reference;
using ViolationKind = Formal.Explorer.Traces.ViolationKind;
using Formal.Spec.Runtime;

namespace Formal.Refinement;

/// Why a reference step (or the initial heap) fails refinement: the headline (kind, property,
/// message) and every reason found in the step, most concrete first.
public sealed record StepFailure(ViolationKind Kind, string Property, string Message, IReadOnlyList<string> Reasons);

/// The checks of one reference step (README.md, "Step check"): no memory-safety violation or
/// kernel assertion in the reference, a spec state for the heap after it, the spec's invariants
/// there, the degree of degree-era rule sets, and a spec step for the same operation (or a
/// stutter) between the two spec states. One instance per thread.
public sealed class StepChecker
{
    private readonly SpecTransitionSystem _ts;
    private readonly RuleSet _rules;
    private readonly Abstraction _abstraction;
    private readonly StateInspector _inspector;
    private readonly SpecSteps _steps;
    private readonly Dictionary<long, (StepLabel Label, long Key)> _labels = new();

    public StepChecker(SpecTransitionSystem ts, RuleSet rules)
    {
        _ts = ts;
        _rules = rules;
        _abstraction = new Abstraction(ts, rules);
        _inspector = ts.NewInspector();
        _steps = new SpecSteps(ts);
    }

    public SpecTransitionSystem System => _ts;

    /// Canonical forms that were approximated (a comparison might then fail spuriously).
    public long InexactCanonicalForms => _inspector.InexactCanonicalForms;

    public AbstractState Abstract(Heap heap) => _abstraction.Of(heap);

    public AbstractState Abstract(Heap heap, CanonicalNumbering numbering) => _abstraction.Of(heap, numbering);

    /// The spec's invariants on an abstract state, as one message (null: they hold).
    public string? InvariantProblem(ulong[] packed) => _inspector.CheckInvariants(packed) is { } f ? $"invariant {f.Invariant} is violated" : null;

    /// The degree-era counter check of a heap (null: it holds, or the rule set has no degree).
    public string? DegreeCheck(Heap heap) => _rules.Counters == CounterModel.Degree ? DegreeProblem(heap) : null;

    /// Whether the spec has a step for <paramref name="r"/>'s operation from the abstract state
    /// <paramref name="a"/> to the orbit <paramref name="fpAfter"/> (the same test as <see cref="CheckStep"/>).
    public bool StepAllowed(ulong[] a, StepResult r, ulong fpAfter) => StepMismatch(a, r, fpAfter) is null;

    public ulong Fingerprint(AbstractState a) => a.Packed is null ? 0 : _inspector.Fingerprint(a.Packed);

    public ulong Fingerprint(ulong[] packed) => _inspector.Fingerprint(packed);

    /// The checks that concern one state: it has a spec state, the invariants hold, and the
    /// degree-era counter (if any) counts what it should.
    public List<(ViolationKind Kind, string Property, string Message)> StateProblems(Heap heap, AbstractState a)
    {
        var found = new List<(ViolationKind, string, string)>();
        if (a.Packed is null)
        {
            found.Add((ViolationKind.Refinement, "abstraction", $"the heap has no spec state: {a.Error}"));
            return found;
        }
        if (_inspector.CheckInvariants(a.Packed) is { } inv)
            found.Add((ViolationKind.Invariant, inv.Invariant,
                $"invariant {inv.Invariant} is violated: {inv.ConjunctText}{(inv.Witness is { } w ? $" (for {w})" : "")}"));
        if (_rules.Counters == CounterModel.Degree && DegreeProblem(heap) is { } degree)
            found.Add((ViolationKind.Refinement, "degree", degree));
        return found;
    }

    public StepFailure? CheckInitial(Heap heap, AbstractState a) => Failure(StateProblems(heap, a));

    /// Checks the step <paramref name="r"/> from a heap whose spec state is <paramref name="a"/>
    /// (fingerprint <paramref name="fpA"/>) to <c>r.After</c>, whose spec state is <paramref name="after"/>
    /// (fingerprint <paramref name="fpAfter"/>).
    public StepFailure? CheckStep(AbstractState a, ulong fpA, StepResult r, AbstractState after, ulong fpAfter)
    {
        var found = new List<(ViolationKind, string, string)>();
        foreach (var v in r.Outcome.Violations)
            found.Add((ViolationKind.Kernel, v.Kind.ToString(), $"{v.Kind} in {v.Function}{(v.Macro.Length > 0 ? $" ({v.Macro})" : "")}: {v.Message}"));
        found.AddRange(StateProblems(r.After, after));
        if (after.Packed is not null && a.Packed is not null)
        {
            if (fpAfter != fpA && StepMismatch(a.Packed, r, fpAfter) is { } why)
                found.Add((ViolationKind.Refinement, "step", why));
        }
        return Failure(found);
    }

    /// Null when the spec has a step for the operation from <paramref name="a"/> to a state of
    /// the orbit <paramref name="fpAfter"/>; otherwise what the spec does instead.
    private string? StepMismatch(ulong[] a, StepResult r, ulong fpAfter)
    {
        var op = r.Operation;
        if (!_labels.TryGetValue(OperationLabels.Code(op), out var cached))
            _labels[OperationLabels.Code(op)] = cached = (OperationLabels.Label(op), _steps.KeyOf(OperationLabels.Label(op)));
        var (label, key) = cached;
        string outcome = r.Outcome.Kind == OutcomeKind.Error ? $" (it failed with {Outcome.ErrnoName(r.Outcome.ErrorCode)})" : "";
        if (op is InjectOp)
            return $"{op} changed the spec state{outcome}; an injection must be a stutter";
        var steps = _steps.Of(a, label.Action);
        if (steps.Allows(key, fpAfter)) return null;
        var problems = steps.Problems.Where(p => p.Key == key).Select(p => p.Text)
            .Concat(steps.Aborted is { } why ? [why] : []).Distinct().Take(3).ToList();
        int n = steps.Count(key);
        return $"the spec has no step {label.Show()} to this state{outcome}: it allows {n} other successor{(n == 1 ? "" : "s")} for it, and a stutter"
               + (problems.Count > 0 ? "; in the spec: " + string.Join("; ", problems) : "");
    }

    /// degree = VMAs using the anon_vma + live children + 1 for a root's self link (V1, I8 of the
    /// degree era); the spec's split counters are derived from the heap for these rule sets.
    private static string? DegreeProblem(Heap heap)
    {
        var n = new CanonicalNumbering(heap);
        var live = heap.Processes.SelectMany(mm => mm.Vmas).ToList();
        foreach (var a in n.AnonVmas.Where(a => !a.Freed))
        {
            long vmas = live.Count(v => ReferenceEquals(v.AnonVma, a));
            long children = n.AnonVmas.Count(c => !c.Freed && !ReferenceEquals(c, a) && ReferenceEquals(c.Parent, a) && c.Tree.Count > 0);
            long self = a.IsRoot && a.Tree.Count > 0 ? 1 : 0;
            if (a.Degree != vmas + children + self)
                return $"{n.Name(a)}->degree is {a.Degree}, expected {vmas + children + self} ({vmas} VMAs + {children} live children + {self} self link)";
        }
        return null;
    }

    private static StepFailure? Failure(List<(ViolationKind Kind, string Property, string Message)> found)
    {
        if (found.Count == 0) return null;
        var (kind, property, message) = found[0];
        return new StepFailure(kind, property, message, found.Select(f => f.Message).ToList());
    }
}
