using Formal.Explorer.Bfs;
using Formal.Explorer.Traces;
using Formal.Spec.Smt.Engines;
using Formal.Tests;

namespace Formal.Spec.Smt.Tests;

/// Run-time errors, assertions and the evaluator's exact evaluation order: each case has the
/// explorer's verdict written down, and BMC must agree on the kind and the depth. Cases marked
/// "none" check that guarded or short-circuited expressions raise nothing in BMC either.
public class FaultDifferentialTests
{
    public sealed record Case(string Name, string Yaml, ViolationKind? Kind, int Length, int Bound = 8)
    {
        public override string ToString() => Name;
    }

    private const string Map = """
        spec: t
        variables: { m: "0..2 -> 0..9", k: 0..5, x: 0..9 }
        init: { m: "[i in 0..2 -> 1]", k: 0, x: 0 }
        """;

    public static readonly Case[] Cases =
    [
        new("value out of range", """
            spec: t
            variables: { x: 0..3 }
            init: { x: 0 }
            actions: { Inc: { update: { x: x + 1 } } }
            """, ViolationKind.Error, 4),
        new("value of none", """
            spec: t
            variables: { c: 0..3, o: option(0..3), x: 0..3 }
            init: { c: 0, o: none, x: 0 }
            actions:
              Step: { guard: c < 3, update: { c: c + 1 } }
              Peek: { guard: c == 2, update: { x: o.value } }
            """, ViolationKind.Error, 3),
        new("key outside the map", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
              Read: { update: { x: "m[k]" } }
            """, ViolationKind.Error, 4),
        new("key outside the map, guarded", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
              Read: { update: { x: "if k <= 2 then m[k] else 0" } }
            """, null, 0, 6),
        new("key outside the map in with", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
              Write: { update: { m: "m with [k] = 2" } }
            """, ViolationKind.Error, 4),
        new("key outside the map in an assignment target", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
              Write: { do: ["m[k] := 3"] }
            """, ViolationKind.Error, 4),
        new("key outside the map in old()", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
              Read: { do: ["k := 0", "x := old(m[k])"] }
            """, ViolationKind.Error, 4),
        new("tail of an empty sequence", """
            spec: t
            variables: { s: "seq(0..3, 2)" }
            init: { s: "[]" }
            actions:
              Push: { guard: len(s) < 2, update: { s: "append(s, 1)" } }
              Pop: { update: { s: tail(s) } }
            """, ViolationKind.Error, 1),
        new("head and last, guarded", """
            spec: t
            variables: { s: "seq(0..3, 2)", x: 0..3 }
            init: { s: "[]", x: 0 }
            actions:
              Push: { params: { v: 0..3 }, guard: len(s) < 2, update: { s: "append(s, v)" } }
              Head: { guard: len(s) > 0, update: { x: head(s) } }
              Last: { guard: len(s) > 1, update: { x: last(s) } }
            invariants:
              NotThree: x != 3 or len(s) < 2
            """, ViolationKind.Invariant, 3),
        new("append to a full sequence", """
            spec: t
            variables: { s: "seq(0..3, 2)" }
            init: { s: "[]" }
            actions: { Push: { update: { s: "append(s, 1)" } } }
            """, ViolationKind.Error, 3),
        new("index outside a sequence", """
            spec: t
            variables: { s: "seq(0..3, 3)", i: 0..3, x: 0..3 }
            init: { s: "[2]", i: 0, x: 0 }
            actions:
              Next: { guard: i < 3, update: { i: i + 1 } }
              Read: { update: { x: "s[i]" } }
            """, ViolationKind.Error, 2),
        new("sequence too long for its variable", """
            spec: t
            variables: { s: "seq(0..3, 2)", n: 0..3 }
            init: { s: "[]", n: 0 }
            actions:
              Next: { guard: n < 3, update: { n: n + 1 } }
              Fill: { guard: n == 2, update: { s: "[1, 2, 3]" } }
            """, ViolationKind.Error, 3),
        new("division by zero", """
            spec: t
            variables: { d: 0..3, x: -9..9 }
            init: { d: 2, x: 0 }
            actions:
              Dec: { guard: d > 0, update: { d: d - 1 } }
              Div: { update: { x: 6 / d } }
            """, ViolationKind.Error, 3),
        new("modulo by zero", """
            spec: t
            variables: { d: 0..3, x: -9..9 }
            init: { d: 1, x: 0 }
            actions:
              Dec: { guard: d > 0, update: { d: d - 1 } }
              Mod: { update: { x: 7 % d } }
            """, ViolationKind.Error, 2),
        new("floor division of negatives", """
            spec: t
            variables: { x: -9..9 }
            init: { x: 0 }
            actions: { Down: { guard: x > -9, update: { x: x - 1 } } }
            invariants: { Floor: x / 2 != -2 }
            """, ViolationKind.Invariant, 3),
        new("floor modulo of negatives", """
            spec: t
            variables: { x: -9..9 }
            init: { x: 0 }
            actions: { Down: { guard: x > -9, update: { x: x - 1 } } }
            invariants: { Floor: "x % 3 != 1" }
            """, ViolationKind.Invariant, 2),
        new("floor division by a negative divisor", """
            spec: t
            variables: { d: -5..-1, x: -9..9 }
            init: { d: -1, x: 0 }
            actions:
              Dec: { guard: d > -5, update: { d: d - 1 } }
              Div: { update: { x: 7 / d } }
              Mod: { update: { x: 7 % d } }
            invariants: { Q: x != -3, R: x != -2 }
            """, ViolationKind.Invariant, 3),
        new("division and modulo by a symbolic divisor", """
            spec: t
            variables: { d: -3..3, x: -99..99 }
            init: { d: 3, x: 0 }
            actions:
              Dec: { guard: d > -3, update: { d: d - 1 } }
              Div: { guard: d != 0, update: { x: "7 / d * 10 + 7 % d" } }
            invariants: { Q: x != -41 }
            """, ViolationKind.Invariant, 6),
        new("set element outside its type", """
            spec: t
            variables: { s: set(0..3), x: 0..9 }
            init: { s: "{}", x: 0 }
            actions:
              Inc: { guard: x < 9, update: { x: x + 1 } }
              Put: { update: { s: "{x}" } }
            """, ViolationKind.Error, 5),
        new("set former element outside its type", """
            spec: t
            variables: { s: set(0..6), x: 0..3 }
            init: { s: "{}", x: 0 }
            actions:
              Inc: { guard: x < 3, update: { x: x + 1 } }
              Put: { update: { s: "{y + 5 for y in 0..x}" } }
            """, ViolationKind.Error, 3),
        new("min of an empty set", """
            spec: t
            variables: { s: set(0..3), x: 0..3 }
            init: { s: "{2}", x: 0 }
            actions:
              Take: { update: { s: "s diff {min(s)}", x: min(s) } }
            """, ViolationKind.Error, 2),
        new("assertion in an action", """
            spec: t
            variables: { x: 0..9 }
            init: { x: 0 }
            actions:
              Inc:
                params: { d: 1..2 }
                do: ["x := x + d", "assert x != 3"]
            """, ViolationKind.Assertion, 2),
        new("assertion after a require is not reached", """
            spec: t
            variables: { x: 0..9 }
            init: { x: 0 }
            actions:
              Inc:
                params: { d: 1..2 }
                do: ["require x + d <= 9", "x := x + d", "require x != 3", "assert x != 3"]
            """, null, 0, 6),
        new("assertion in init", """
            spec: t
            variables: { x: 0..3 }
            init: ["choose v in 0..3", "assert v != 2", "x := v"]
            """, ViolationKind.Assertion, 0),
        new("run-time error in init", """
            spec: t
            variables: { x: 0..3 }
            init: ["choose v in 0..5", "x := v"]
            """, ViolationKind.Error, 0),
        new("run-time error evaluating an invariant", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
            invariants:
              Read: "m[k] >= 0"
            """, ViolationKind.Error, 3),
        new("short-circuit and, or, implies, if in invariants", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
            invariants:
              Imp: "k <= 2 => m[k] >= 0"
              Or: "k > 2 or m[k] >= 0"
              And: "not (k <= 2 and m[k] < 0)"
              If: "(if k <= 2 then m[k] else 1) > 0"
            """, null, 0, 6),
        new("exists stops at the first witness", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
            invariants:
              Witness: "k == 4 or exists i in 0..5: i == k and m[i] > 0 or i == 5"
            """, ViolationKind.Error, 3),
        new("forall stops at the first counterexample", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
            invariants:
              All: "forall i in 0..5: i <= k + 2 and m[i] >= 0"
            """, ViolationKind.Invariant, 0),
        new("find stops at the first hit", Map + "\n" + """
            actions:
              Next: { guard: k < 5, update: { k: k + 1 } }
              Find: { update: { x: "(find i in 0..5 where i >= k and m[i] > 0).value" } }
            """, ViolationKind.Error, 4),
        new("choose evaluates its condition for every candidate", Map + "\n" + """
            actions:
              Pick: { do: ["choose i in 0..5 where m[i] > 0", "x := i"] }
            """, ViolationKind.Error, 1),
        new("choose condition guarded", Map + "\n" + """
            actions:
              Pick: { do: ["choose i in 0..5 where i <= 2 and m[i] > 0", "x := i + k"] }
              Next: { guard: k < 5, update: { k: k + 1 } }
            invariants: { Small: x < 7 }
            """, ViolationKind.Invariant, 6, 7),
        new("alloc stops at the lowest free object", """
            spec: t
            types: { Obj: { pool: 3 } }
            variables: { cnt: "Obj -> 0..2", used: set(Obj) }
            init: { cnt: "[o in Obj -> 1]", used: "{}" }
            actions:
              Zero: { params: { o: Obj }, guard: "o != (find p in Obj where true).value and o notin used", update: { "cnt[o]": 0 } }
              New: { do: ["alloc o in Obj where o notin used and 10 / cnt[o] > 6", "used := used union {o}"] }
            """, ViolationKind.Error, 3),
        new("alloc exhaustion is not a violation", """
            spec: t
            types: { Obj: { pool: 2 } }
            variables: { used: set(Obj), last: option(Obj) }
            init: { used: "{}", last: none }
            actions:
              New: { do: ["alloc o in Obj where o notin used", "used := used union {o}", "last := some(o)"] }
              Free: { do: ["choose o in used", "used := used diff {o}"] }
            invariants: { NotBoth: "not (used == Obj and last == (find p in Obj where true))" }
            """, ViolationKind.Invariant, 4),
        new("for loops evaluate their condition per element", Map + "\n" + """
            actions:
              Sum: { do: [{ for: "i in 0..5 where i <= 2", do: ["x := x + m[i]"] }] }
            invariants: { Small: x < 7 }
            """, ViolationKind.Invariant, 3),
        new("for loops fail inside the body", Map + "\n" + """
            actions:
              Sum: { do: [{ for: "i in 0..k + 3", do: ["require x < 9", "x := x + m[i]"] }] }
            """, ViolationKind.Error, 1),
        new("either fails in one branch only", """
            spec: t
            variables: { x: 0..3 }
            init: { x: 0 }
            actions:
              Step:
                do:
                  - either:
                      - ["require x < 3", "x := x + 1"]
                      - ["require x == 2", "x := x + 2"]
            """, ViolationKind.Error, 3),
        new("procedures inline with their requires", """
            spec: t
            variables: { m: "0..2 -> 0..9" }
            init: { m: "[i in 0..2 -> i]" }
            procedures:
              "bump(k: 0..2, by: 0..9)":
                - require m[k] + by <= 12
                - m[k] := m[k] + by
            actions:
              Twice: { params: { k: 0..2 }, do: ["bump(k, 4)", "bump(k, 4)"] }
            """, ViolationKind.Error, 1),
    ];

    public static IEnumerable<object[]> Names => Cases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(Names))]
    public void Bmc_agrees_with_the_explorer(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        var ir = SpecHarness.Load(c.Yaml);
        var e = SmtHarness.Explore(ir, maxDepth: c.Kind is null ? c.Bound + 1 : null);
        var r = SmtHarness.Prove(ir, bmc: c.Bound);
        Assert.True(r.Diagnostics.Count == 0, string.Join("\n", r.Diagnostics));
        if (c.Kind is { } kind)
        {
            Assert.Equal(Verdict.Violation, e.Verdict);
            Assert.Equal((kind, c.Length), (e.Trace!.Violation.Kind, e.Trace.Length));
            Assert.Equal(ProveVerdict.Violation, r.Verdict);
            var t = SmtHarness.Replay(ir, r.Violation!);
            Assert.Equal((kind, c.Length), (t.Violation.Kind, t.Length));
        }
        else
        {
            Assert.NotEqual(Verdict.Violation, e.Verdict);
            Assert.Contains(r.Verdict, new[] { ProveVerdict.BoundReached, ProveVerdict.Proved });
        }
    }

    /// The evaluator compares sequences slot by slot, padding included, and pads a literal with
    /// its own element default but `tail` with the type's: `[2]` and `tail([1, 2])` differ. The
    /// encoder reproduces the padding, so whatever the evaluator decides, BMC must agree.
    [Fact]
    public void Sequence_padding_compares_as_in_the_evaluator()
    {
        var ir = SpecHarness.Load("""
            spec: pad
            variables: { s: "seq(0..3, 2)", t: "seq(0..3, 2)", n: 0..3 }
            init: { s: "[2]", t: "tail([1, 2])", n: 0 }
            actions:
              Step: { guard: n < 1, update: { n: n + 1, t: "append(tail(t), 2)" } }
            invariants:
              Same: s == t
            """);
        var e = SmtHarness.Explore(ir);
        var r = SmtHarness.Prove(ir, bmc: 2);
        Assert.Equal(e.Verdict == Verdict.Violation, r.Verdict == ProveVerdict.Violation);
        if (r.Violation is { } path) Assert.Equal(e.Trace!.Length, SmtHarness.Replay(ir, path).Length);
    }
}
