using Formal.Explorer.Traces;
using Formal.Tests;

namespace Formal.Explorer.Tests;

/// The project's trace file: what is written reads back to the same trace, and a bad file is
/// reported with positions.
public class TraceFileTests
{
    [Fact]
    public void A_trace_file_reads_back_to_the_same_trace()
    {
        var t = TraceHarness.Check(Repo.Example("water_jug"));
        var back = TraceHarness.RoundTrip(t);
        Assert.Equal(t, back);
        Assert.Equal([("SMALL", 3L), ("BIG", 5L)], back.Constants.Select(c => (c.Name, c.Value.Int)));
    }

    [Fact]
    public void Sets_maps_and_the_config_survive_the_round_trip()
    {
        var t = TraceHarness.Check(TraceHarness.MutantFile("two_phase_commit", (TraceHarness.TpcBugFrom, TraceHarness.TpcBugTo)), "two");
        var back = TraceHarness.RoundTrip(t);
        Assert.Equal(t, back);
        Assert.Equal("two", back.Config);
    }

    [Fact]
    public void A_failing_step_and_init_choices_survive_the_round_trip()
    {
        var path = TraceHarness.TempSpec(TraceHarness.ChoosingSpec);
        var t = TraceHarness.Check(path);
        Assert.Equal(ViolationKind.Assertion, t.Violation.Kind);
        Assert.NotNull(t.FailingStep);
        Assert.Equal("init", t.Steps[0].Label!.Action);
        Assert.Equal(t, TraceHarness.RoundTrip(t));
    }

    [Fact]
    public void Another_format_version_is_rejected_at_its_position()
    {
        var errors = TraceHarness.ReadErrors("{\n  \"format\": \"formal-trace/9\"\n}\n", Repo.Example("water_jug"));
        Assert.Equal(["bad.json:2:13: error: unsupported trace format 'formal-trace/9' (this formal reads formal-trace/1)"], errors);
    }

    [Fact]
    public void Unknown_variables_and_ill_typed_values_are_reported_where_they_are()
    {
        var json = TraceHarness.Json(TraceHarness.Check(Repo.Example("water_jug")))
            .Replace("\"small\": 0,", "\"smal\": 0,", StringComparison.Ordinal)
            .Replace("\"big\": 5", "\"big\": true", StringComparison.Ordinal);
        var errors = TraceHarness.ReadErrors(json, Repo.Example("water_jug"));
        Assert.Contains(errors, e => e.Contains("error: 'smal' is not a variable of spec water_jug (did you mean 'small'?)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("error: big: expected a value of type 0..5, found a boolean", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Matches(@"^bad\.json:\d+:\d+: error: ", e));
    }

    [Fact]
    public void Malformed_json_is_a_positioned_syntax_error()
    {
        var errors = TraceHarness.ReadErrors("{\n  \"format\": \"formal-trace/1\",\n  \"spec\": oops\n}", Repo.Example("water_jug"));
        Assert.Single(errors);
        Assert.StartsWith("bad.json:3:11: error: JSON syntax:", errors[0], StringComparison.Ordinal);
    }
}
