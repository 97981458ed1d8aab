namespace Formal.Reference;

/// <summary>
/// When a user-visible operation applies to a heap. The same rules drive <see cref="Machine.Apply"/> (which answers
/// <see cref="OutcomeKind.NotApplicable"/> otherwise) and <see cref="Machine.EnumerateOperations"/>.
/// </summary>
public static class Applicability
{
    /// <summary>Null when <paramref name="op"/> applies, otherwise the reason it does not.</summary>
    public static string? WhyNot(Heap heap, Bounds bounds, RuleSet rules, Operation op) => Check(heap, bounds, rules, op, explain: true);

    /// <summary>Whether <paramref name="op"/> applies; the same rules as <see cref="WhyNot"/>, without building the reason.</summary>
    public static bool Applies(Heap heap, Bounds bounds, RuleSet rules, Operation op) => Check(heap, bounds, rules, op, explain: false) is null;

    private const string NotApplicable = "not applicable";

    // Every rejection formats its reason only when asked: enumeration rejects most candidates.
    private static string? Check(Heap heap, Bounds bounds, RuleSet rules, Operation op, bool explain)
    {
        if (heap.Halted)
            return "the machine halted after a fatal violation";
        if (op is InjectOp inj)
            return !heap.IsPending(inj.Kind) ? null
                : explain ? $"a failure of the next {Operation.FormatAllocKind(inj.Kind)} allocation is already pending" : NotApplicable;
        var pop = (ProcessOperation)op;
        var mm = heap.Process(pop.Pid);
        if (mm is null)
            return explain ? $"no process p{pop.Pid}" : NotApplicable;

        string? Range(long s, long e) =>
            !(s < 0 || e > bounds.AddressSpacePages || s >= e) ? null
                : explain ? $"[{s},{e}) is not a non-empty range inside [0,{bounds.AddressSpacePages})" : NotApplicable;

        switch (op)
        {
            case MmapOp o:
                return Range(o.Start, o.End) ?? (!mm.Overlaps(o.Start, o.End) ? null : explain ? $"[{o.Start},{o.End}) is not a hole" : NotApplicable);
            case MunmapOp o:
                return Range(o.Start, o.End) ?? (mm.Overlaps(o.Start, o.End) ? null : explain ? $"nothing is mapped in [{o.Start},{o.End})" : NotApplicable);
            case MprotectOp o:
                return Range(o.Start, o.End) ?? (mm.Covers(o.Start, o.End) ? null : explain ? $"[{o.Start},{o.End}) is not fully mapped" : NotApplicable);
            case MadviseOp o:
                if (!rules.SupportsWipeOnFork && o.Advice is Advice.WipeOnFork or Advice.KeepOnFork)
                    return explain ? $"MADV_{o.Advice.ToString().ToUpperInvariant()} does not exist in {rules.KernelVersion} (EINVAL)" : NotApplicable;
                return Range(o.Start, o.End) ?? (mm.Covers(o.Start, o.End) ? null : explain ? $"[{o.Start},{o.End}) is not fully mapped" : NotApplicable);
            case MremapOp o:
                {
                    if (o.DontUnmap && !rules.SupportsMremapDontUnmap)
                        return explain ? $"MREMAP_DONTUNMAP does not exist in {rules.KernelVersion} (EINVAL)" : NotApplicable;
                    var why = Range(o.Start, o.End) ?? Range(o.NewStart, o.NewStart + (o.End - o.Start));
                    if (why is not null)
                        return why;
                    var vma = mm.FindVma(o.Start);
                    if (vma is null || o.End > vma.End)
                        return explain ? $"[{o.Start},{o.End}) is not inside one VMA" : NotApplicable;
                    long ne = o.NewStart + (o.End - o.Start);
                    if (o.NewStart < o.End && o.Start < ne)
                        return "the target overlaps the source";
                    return !mm.Overlaps(o.NewStart, ne) ? null : explain ? $"the target [{o.NewStart},{ne}) is not a hole" : NotApplicable;
                }
            case WriteOp o:
                {
                    var vma = mm.FindVma(o.Addr);
                    if (vma is null)
                        return explain ? $"{o.Addr} is not mapped" : NotApplicable;
                    return ProtText.IsWritable(vma.Prot) ? null : explain ? $"{vma} is not writable (SIGSEGV)" : NotApplicable;
                }
            case ReadOp o:
                return mm.FindVma(o.Addr) is not null ? null : explain ? $"{o.Addr} is not mapped" : NotApplicable;
            case RmapWalkOp o:
                return mm.Ptes.ContainsKey(o.Addr) ? null : explain ? $"no page is mapped at p{o.Pid}:{o.Addr}" : NotApplicable;
            case ForkOp:
            case ExitOp:
                return null;
            default:
                return explain ? $"unknown operation {op}" : NotApplicable;
        }
    }
}
