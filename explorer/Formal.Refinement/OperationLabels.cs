using System.Globalization;
using Formal.Reference;
using Formal.Spec.Runtime;
using Formal.Spec.Types;

namespace Formal.Refinement;

/// Reference operations as spec step labels and back. The vocabularies are the same by design
/// (reference/README.md): `mprotect(p0, 0, 1, r)` is the spec's `mprotect(proc=Proc0, start=0,
/// end=1, prot=r)`; `inject(avc)` is the spec's `inject(kind=avc)`, a stutter.
public static class OperationLabels
{
    /// The label's identity for matching spec successors: action and parameter values.
    public static string Key(StepLabel label) =>
        label.Action + "(" + string.Join(",", label.Params.Select(p => p.Value.Show())) + ")";

    /// A number that is equal exactly for equal operations (8 bits per field), for keying caches
    /// on the hot path where building a label would cost more than the lookup saves.
    public static long Code(Operation op) => op switch
    {
        MmapOp o => Pack(1, o.Pid, o.Start, o.End, (long)o.Prot),
        MunmapOp o => Pack(2, o.Pid, o.Start, o.End),
        MprotectOp o => Pack(3, o.Pid, o.Start, o.End, (long)o.Prot),
        MadviseOp o => Pack(4, o.Pid, o.Start, o.End, (long)o.Advice),
        MremapOp o => Pack(5, o.Pid, o.Start, o.End, o.NewStart, o.DontUnmap ? 1 : 0),
        WriteOp o => Pack(6, o.Pid, o.Addr),
        ReadOp o => Pack(7, o.Pid, o.Addr),
        RmapWalkOp o => Pack(8, o.Pid, o.Addr),
        ForkOp o => Pack(9, o.Pid),
        ExitOp o => Pack(10, o.Pid),
        InjectOp o => Pack(11, (long)o.Kind),
        _ => throw new ArgumentException($"no code for {op}", nameof(op)),
    };

    private static long Pack(long kind, long a, long b = 0, long c = 0, long d = 0, long e = 0)
    {
        static long Field(long v, int i) =>
            v is >= 0 and <= 255 ? v << (8 * i) : throw new ArgumentOutOfRangeException(nameof(v), $"operation field {v} does not fit 8 bits");
        return kind | Field(a, 1) | Field(b, 2) | Field(c, 3) | Field(d, 4) | Field(e, 5);
    }

    public static StepLabel Label(Operation op)
    {
        static (string, Value) P(int pid) => ("proc", new VObj("Proc", pid));
        static (string, Value) I(string name, long v) => (name, new VInt(v));
        static (string, Value) Prot(Prot p) => ("prot", new VEnum("Prot", ProtText.Format(p), (int)p));
        (string, Value)[] ps = op switch
        {
            MmapOp o => [P(o.Pid), I("start", o.Start), I("end", o.End), Prot(o.Prot)],
            MunmapOp o => [P(o.Pid), I("start", o.Start), I("end", o.End)],
            MprotectOp o => [P(o.Pid), I("start", o.Start), I("end", o.End), Prot(o.Prot)],
            MadviseOp o => [P(o.Pid), I("start", o.Start), I("end", o.End), ("advice", new VEnum("Advice", Operation.FormatAdvice(o.Advice), (int)o.Advice))],
            MremapOp o => [P(o.Pid), I("start", o.Start), I("end", o.End), I("newstart", o.NewStart), ("dontunmap", new VBool(o.DontUnmap))],
            WriteOp o => [P(o.Pid), I("addr", o.Addr)],
            ReadOp o => [P(o.Pid), I("addr", o.Addr)],
            RmapWalkOp o => [P(o.Pid), I("addr", o.Addr)],
            ForkOp o => [P(o.Pid)],
            ExitOp o => [P(o.Pid)],
            InjectOp o => [("kind", new VEnum("AllocKind", SpecAllocKind(o.Kind), (int)o.Kind))],
            _ => [],
        };
        return new StepLabel(op.Name, EquatableArray<(string, Value)>.From(ps), default);
    }

    /// The spec's names of the allocation kinds: `vma` is taken by a variable there.
    private static string SpecAllocKind(AllocKind k) => k == AllocKind.Vma ? "vm_area" : Operation.FormatAllocKind(k);

    /// The reference operation a spec label stands for (scenarios replayed against rule sets);
    /// null with <paramref name="error"/> when the label is not one of the shared vocabulary.
    public static Operation? ToOperation(StepLabel label, out string? error)
    {
        var text = label.Action + "(" + string.Join(", ", label.Params.Select(p => p.Value switch
        {
            VObj { Pool: "Proc" } o => "p" + o.Index.ToString(CultureInfo.InvariantCulture),
            VEnum { Type: "AllocKind", Name: "vm_area" } => "vma",
            var v => v.Show(),
        })) + ")";
        if (OperationParser.TryParse(text, out var op, out var why))
        {
            error = null;
            return op;
        }
        error = $"{text} is not an operation of the reference model: {why}";
        return null;
    }
}
