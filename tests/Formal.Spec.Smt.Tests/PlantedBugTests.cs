namespace Formal.Spec.Smt.Tests;

/// Planted bugs in the examples (as in tests/Formal.Explorer.Tests/ViolationTests.cs): BMC's
/// violation depth is the explorer's shortest trace length.
public class PlantedBugTests
{
    /// The planted bug must be found (by both), at the same depth.
    private static void Agree(string example, int bound, params (string From, string To)[] edits) =>
        Assert.NotNull(ExampleDifferentialTests.AssertAgree(SmtHarness.Mutant(example, edits), bound));

    [Fact]
    public void Peterson_with_turn_set_before_flag() => Agree("peterson", 10,
        ("update: { \"flag[i]\": true, \"pc[i]\": set_turn }", "update: { turn: 1 - i, \"pc[i]\": set_turn }"),
        ("update: { turn: 1 - i, \"pc[i]\": waiting }", "update: { \"flag[i]\": true, \"pc[i]\": waiting }"),
        ("flag[i] <=> pc[i] in {set_turn, waiting, critical}", "true"));

    [Fact]
    public void Peterson_waiting_only_on_the_flag_deadlocks() => Agree("peterson", 8,
        ("\"not flag[1 - i] or turn == i\"", "\"not flag[1 - i]\""));

    [Fact]
    public void Peterson_without_the_wait_breaks_mutual_exclusion() => Agree("peterson", 8,
        ("guard: [\"pc[i] == waiting\", \"not flag[1 - i] or turn == i\"]", "guard: \"pc[i] == waiting\""));

    [Fact]
    public void Two_phase_commit_committing_without_all_prepared() => Agree("two_phase_commit", 6,
        ("guard: [tm == tm_init, tm_prepared == RM]", "guard: [tm == tm_init]"));

    [Fact]
    public void Two_phase_commit_rm_aborting_after_preparing() => Agree("two_phase_commit", 10,
        ("  RMChooseToAbort:\n    params: { r: RM }\n    guard: rm[r] == working", "  RMChooseToAbort:\n    params: { r: RM }\n    guard: rm[r] != committed"));

    [Fact]
    public void Two_phase_commit_tm_receiving_unsent_prepared_messages() => Agree("two_phase_commit", 10,
        ("guard: [tm == tm_init, r in msg_prepared]", "guard: [tm == tm_init]"));

    [Fact]
    public void Counters_without_the_wrap_overflow_their_range() => Agree("counters", 6,
        ("\"(c[i] + 1) % M\"", "\"c[i] + 1\""),
        ("default: { N: 3, M: 4 }", "default: { N: 2, M: 3 }"));

    [Fact]
    public void Water_jug_pouring_without_limit_overflows() => Agree("water_jug", 6,
        ("big: \"big + min({small, BIG - big})\"", "big: \"big + small\""),
        ("small: \"small - min({small, BIG - big})\"", "small: \"0\""));
}
