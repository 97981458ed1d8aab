using System.Diagnostics;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Bfs;

/// Breadth-first exploration from all initial states. The seen set holds fingerprints; each
/// distinct state keeps only its parent's index and its ordinal among the parent's successors,
/// so the shortest counterexample is rebuilt by replaying the path (as TLC does).
public sealed class BfsExplorer : IStateVisitor
{
    private readonly ITransitionSystem _ts;
    private readonly ExploreOptions _options;
    private readonly IStateGenerator _gen;
    private readonly FingerprintSet _seen = new();
    private readonly IntList _parent = new();
    private readonly IntList _ordinal = new();
    private readonly Dictionary<string, long> _boundHits = new(StringComparer.Ordinal);
    private StateBuffer _next;
    private readonly List<int> _nextIndex = new();

    private long _generated;
    private int _currentParent = -1;
    private int _levelOfNew = 1;
    private int _violationLevel;
    private int _successorOrdinal;
    private bool _checkDeadlock;

    private Violation? _violation;
    private int _violatingState = -1;
    private bool _violationInStep;
    private StepLabel? _failingStep;

    public BfsExplorer(ITransitionSystem ts, ExploreOptions? options = null)
    {
        _ts = ts;
        _options = options ?? new ExploreOptions();
        _gen = ts.NewGenerator();
        _next = new StateBuffer(ts.StateWords);
        _checkDeadlock = _options.CheckDeadlock ?? ts.CheckDeadlock;
    }

    public ExploreResult Run()
    {
        var sw = Stopwatch.StartNew();
        var lastProgress = sw.Elapsed;
        int depth = 0;
        string? inconclusive = null;

        Guard(() => _gen.Initial(this), -1);
        var current = _next;
        var currentIndex = new List<int>(_nextIndex);
        _next = new StateBuffer(_ts.StateWords);
        _nextIndex.Clear();
        if (current.Count > 0) depth = 1;

        while (_violation is null && current.Count > 0)
        {
            _levelOfNew = depth + 1;
            if (_options.MaxDepth is { } max && depth >= max)
            {
                inconclusive = $"stopped at depth {max} (--max-depth) with {current.Count} states not expanded";
                break;
            }
            for (int i = 0; i < current.Count && _violation is null; i++)
            {
                _currentParent = currentIndex[i];
                _successorOrdinal = 0;
                Expand(current[i]);
                if (_violation is null && _checkDeadlock && _successorOrdinal == 0)
                {
                    _violation = Violations.Deadlock();
                    _violatingState = _currentParent;
                }
                if ((i & 1023) == 0 && _options.Progress is { } progress && sw.Elapsed - lastProgress >= _options.ProgressInterval)
                {
                    lastProgress = sw.Elapsed;
                    progress(Stats(sw, depth, current.Count - i + _next.Count));
                }
            }
            if (_violation is not null) break;
            (current, _next) = (_next, current);
            _next.Clear();
            currentIndex = new List<int>(_nextIndex);
            _nextIndex.Clear();
            if (current.Count > 0) depth++;
        }

        var stats = Stats(sw, Math.Max(depth, _violationLevel), _violation is null ? current.Count : 0);
        if (_violation is not null)
        {
            var trace = TraceBuilder.Build(_ts, _parent, _ordinal, _violatingState, _violation, _violationInStep ? _failingStep : null);
            return new ExploreResult(Verdict.Violation, stats with { ElapsedSeconds = sw.Elapsed.TotalSeconds }, trace, _boundHits, null);
        }
        return new ExploreResult(inconclusive is null ? Verdict.Ok : Verdict.Inconclusive, stats, null, _boundHits, inconclusive);
    }

    private ExploreStats Stats(Stopwatch sw, int depth, long queue) =>
        new(_generated, _seen.Count, depth, queue, sw.Elapsed.TotalSeconds, _seen.Bytes + _parent.Bytes + _ordinal.Bytes);

    /// Runs generator code; a run-time error of the spec becomes a violation of the step.
    private void Guard(Action run, int parent)
    {
        try
        {
            run();
        }
        catch (EvalError e)
        {
            RecordError(e, parent);
        }
    }

    private void Expand(ReadOnlySpan<ulong> state)
    {
        try
        {
            _gen.Successors(state, this);
        }
        catch (EvalError e)
        {
            RecordError(e, _currentParent);
        }
    }

    private void RecordError(EvalError e, int parent)
    {
        _violation = Violations.Error(e);
        _violatingState = parent;
        _violationInStep = true;
        _failingStep = _gen.CurrentLabel();
    }

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        if (_violation is not null) return;
        _generated++;
        int ordinal = _successorOrdinal++;
        if (!_seen.Add(fingerprint)) return;
        int index = _parent.Count;
        _parent.Add(_currentParent);
        _ordinal.Add(ordinal);
        if (g.CheckInvariants() is { } failure)
        {
            _violation = Violations.Invariant(failure);
            _violatingState = index;
            _violationLevel = _levelOfNew;
            return;
        }
        _next.Add(packed);
        _nextIndex.Add(index);
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span)
    {
        if (_violation is not null) return;
        _violation = Violations.Assertion(assertion, span);
        _violatingState = _currentParent;
        _violationInStep = true;
        _failingStep = g.CurrentLabel();
    }

    public void OnBoundReached(IStateGenerator g, string pool)
    {
        _boundHits[pool] = _boundHits.GetValueOrDefault(pool) + 1;
    }
}
