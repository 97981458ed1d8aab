using Stopwatch = System.Diagnostics.Stopwatch;
using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Spec.Diagnostics;
using Formal.Spec.Runtime;

namespace Formal.Explorer.Simulation;

public sealed record SimulateOptions
{
    public int Runs { get; init; } = 1000;
    public int Steps { get; init; } = 100;
    public ulong Seed { get; init; }
    public bool? CheckDeadlock { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);
    public Action<SimulateStats>? Progress { get; init; }
}

public sealed record SimulateStats(long Runs, long Steps, long Generated, double ElapsedSeconds, int LongestWalk = 0)
{
    public double StepsPerSecond => ElapsedSeconds > 0 ? Steps / ElapsedSeconds : 0;
}

/// The outcome of a simulation: statistics, and the first failing walk (which run, the seed
/// that reproduces it with --runs 1, and its trace).
public sealed record SimulateResult(SimulateStats Stats, Trace? Trace, int? FailingRun, ulong? RunSeed, IReadOnlyDictionary<string, long> BoundHits);

/// Random walks over a transition system. Run i uses the seed (seed + i), so a failing run is
/// reproduced alone with --seed (seed + i) --runs 1 (seeds s and s + 1 therefore share all but
/// one walk). Every successor of every visited state is
/// generated and checked (invariants, assertions, run-time errors), as TLC's simulation does;
/// one of them is then picked uniformly. A state without successors ends the walk (a deadlock
/// when deadlocks are checked). The walk's path is kept as successor ordinals only.
public sealed class Simulator : IStateVisitor
{
    private readonly ITransitionSystem _ts;
    private readonly SimulateOptions _options;
    private readonly IStateGenerator _gen;
    private readonly bool _checkDeadlock;
    private readonly StateBuffer _successors;
    private readonly ulong[] _current;
    private readonly IntList _path = new();
    private readonly Dictionary<string, long> _boundHits = new(StringComparer.Ordinal);

    private Violation? _violation;
    private StepLabel? _failingStep;
    private int _violatingOrdinal = -1;
    private long _generated;
    private int _longest;

    public Simulator(ITransitionSystem ts, SimulateOptions options)
    {
        _ts = ts;
        _options = options;
        _gen = ts.NewGenerator();
        _checkDeadlock = options.CheckDeadlock ?? ts.CheckDeadlock;
        _successors = new StateBuffer(ts.StateWords);
        _current = new ulong[Math.Max(1, ts.StateWords)];
    }

    public SimulateResult Run()
    {
        var sw = Stopwatch.StartNew();
        var lastProgress = sw.Elapsed;
        long steps = 0;
        for (int run = 0; run < _options.Runs; run++)
        {
            ulong runSeed = unchecked(_options.Seed + (ulong)run);
            var rng = SplitMix64.ForWalk(runSeed);
            _path.Clear();
            int taken = Walk(ref rng);
            steps += taken;
            _longest = Math.Max(_longest, taken);
            if (_violation is not null)
            {
                var ordinals = new List<int>(_path.Count + 1);
                for (int i = 0; i < _path.Count; i++) ordinals.Add(_path[i]);
                if (_violatingOrdinal >= 0) ordinals.Add(_violatingOrdinal);
                var trace = TraceBuilder.FromOrdinals(_ts, ordinals, _violation, _failingStep);
                return new SimulateResult(new SimulateStats(run + 1, steps, _generated, sw.Elapsed.TotalSeconds, _longest), trace, run, runSeed, _boundHits);
            }
            if (_options.Progress is { } progress && sw.Elapsed - lastProgress >= _options.ProgressInterval)
            {
                lastProgress = sw.Elapsed;
                progress(new SimulateStats(run + 1, steps, _generated, sw.Elapsed.TotalSeconds));
            }
        }
        return new SimulateResult(new SimulateStats(_options.Runs, steps, _generated, sw.Elapsed.TotalSeconds, _longest), null, null, null, _boundHits);
    }

    /// One walk; returns the number of steps taken. On a violation, <see cref="_path"/> leads to
    /// the state in which it was found and <see cref="_violatingOrdinal"/> names the successor
    /// that violates an invariant (-1: the failure is in that state or a step from it).
    private int Walk(ref SplitMix64 rng)
    {
        if (!Generate(null) || _successors.Count == 0) return 0;
        int pick = rng.Below(_successors.Count);
        _successors[pick].CopyTo(_current);
        _path.Add(pick);
        int taken = 0;
        while (taken < _options.Steps)
        {
            if (!Generate(_current)) return taken;
            if (_successors.Count == 0)
            {
                if (_checkDeadlock) _violation = Violations.Deadlock();
                return taken;
            }
            pick = rng.Below(_successors.Count);
            _successors[pick].CopyTo(_current);
            _path.Add(pick);
            taken++;
        }
        return taken;
    }

    /// Fills <see cref="_successors"/>; false when a violation was found on the way.
    private bool Generate(ulong[]? state)
    {
        _successors.Clear();
        try
        {
            if (state is null) _gen.Initial(this);
            else _gen.Successors(state, this);
        }
        catch (EvalError e)
        {
            _violation = Violations.Error(e);
            _failingStep = _gen.CurrentLabel();
            _violatingOrdinal = -1;
        }
        return _violation is null;
    }

    public void OnState(IStateGenerator g, ReadOnlySpan<ulong> packed, ulong fingerprint)
    {
        if (_violation is not null) return;
        _generated++;
        int ordinal = _successors.Count;
        _successors.Add(packed);
        if (g.CheckInvariants() is { } failure)
        {
            _violation = Violations.Invariant(failure);
            _violatingOrdinal = ordinal;
        }
    }

    public void OnAssertion(IStateGenerator g, string assertion, SourceSpan span)
    {
        if (_violation is not null) return;
        _violation = Violations.Assertion(assertion, span);
        _failingStep = g.CurrentLabel();
        _violatingOrdinal = -1;
    }

    public void OnBoundReached(IStateGenerator g, string pool) => _boundHits[pool] = _boundHits.GetValueOrDefault(pool) + 1;
}
