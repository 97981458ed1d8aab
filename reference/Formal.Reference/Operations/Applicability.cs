namespace Formal.Reference;

/// <summary>
/// When a user-visible operation applies to a heap. The same rules drive <see cref="Machine.Apply"/> (which answers
/// <see cref="OutcomeKind.NotApplicable"/> otherwise) and <see cref="Machine.EnumerateOperations"/>.
/// </summary>
public static class Applicability
{
    /// <summary>Null when <paramref name="op"/> applies, otherwise the reason it does not.</summary>
    public static string? WhyNot(Heap heap, Bounds bounds, RuleSet rules, Operation op)
    {
        if (heap.Halted)
            return "the machine halted after a fatal violation";
        if (op is InjectOp inj)
            return heap.IsPending(inj.Kind) ? $"a failure of the next {Operation.FormatAllocKind(inj.Kind)} allocation is already pending" : null;
        var pop = (ProcessOperation)op;
        var mm = heap.Process(pop.Pid);
        if (mm is null)
            return $"no process p{pop.Pid}";

        string? Range(long s, long e) =>
            s < 0 || e > bounds.AddressSpacePages || s >= e ? $"[{s},{e}) is not a non-empty range inside [0,{bounds.AddressSpacePages})" : null;

        switch (op)
        {
            case MmapOp o:
                return Range(o.Start, o.End) ?? (mm.Overlaps(o.Start, o.End) ? $"[{o.Start},{o.End}) is not a hole" : null);
            case MunmapOp o:
                return Range(o.Start, o.End) ?? (!mm.Overlaps(o.Start, o.End) ? $"nothing is mapped in [{o.Start},{o.End})" : null);
            case MprotectOp o:
                return Range(o.Start, o.End) ?? (!mm.Covers(o.Start, o.End) ? $"[{o.Start},{o.End}) is not fully mapped" : null);
            case MadviseOp o:
                if (!rules.SupportsWipeOnFork && o.Advice is Advice.WipeOnFork or Advice.KeepOnFork)
                    return $"MADV_{o.Advice.ToString().ToUpperInvariant()} does not exist in {rules.KernelVersion} (EINVAL)";
                return Range(o.Start, o.End) ?? (!mm.Covers(o.Start, o.End) ? $"[{o.Start},{o.End}) is not fully mapped" : null);
            case MremapOp o:
                {
                    if (o.DontUnmap && !rules.SupportsMremapDontUnmap)
                        return $"MREMAP_DONTUNMAP does not exist in {rules.KernelVersion} (EINVAL)";
                    var why = Range(o.Start, o.End) ?? Range(o.NewStart, o.NewStart + (o.End - o.Start));
                    if (why is not null)
                        return why;
                    var vma = mm.FindVma(o.Start);
                    if (vma is null || o.End > vma.End)
                        return $"[{o.Start},{o.End}) is not inside one VMA";
                    long ne = o.NewStart + (o.End - o.Start);
                    if (o.NewStart < o.End && o.Start < ne)
                        return "the target overlaps the source";
                    return mm.Overlaps(o.NewStart, ne) ? $"the target [{o.NewStart},{ne}) is not a hole" : null;
                }
            case WriteOp o:
                {
                    var vma = mm.FindVma(o.Addr);
                    if (vma is null)
                        return $"{o.Addr} is not mapped";
                    return ProtText.IsWritable(vma.Prot) ? null : $"{vma} is not writable (SIGSEGV)";
                }
            case ReadOp o:
                return mm.FindVma(o.Addr) is null ? $"{o.Addr} is not mapped" : null;
            case RmapWalkOp o:
                return mm.Ptes.ContainsKey(o.Addr) ? null : $"no page is mapped at p{o.Pid}:{o.Addr}";
            case ForkOp:
            case ExitOp:
                return null;
            default:
                return $"unknown operation {op}";
        }
    }
}
