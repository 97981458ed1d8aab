namespace Formal.Reference;

// The user-visible entry points: each runs one syscall or fault with the kernel functions above.
public abstract partial class RuleSet
{
    internal int Execute(Operation op, out string? detail)
    {
        detail = null;
        switch (op)
        {
            case MmapOp o: return SysMmap(H.Process(o.Pid)!, o.Start, o.End, o.Prot);
            case MunmapOp o: return SysMunmap(H.Process(o.Pid)!, o.Start, o.End);
            case MprotectOp o: return SysMprotect(H.Process(o.Pid)!, o.Start, o.End, o.Prot);
            case MadviseOp o: return SysMadvise(H.Process(o.Pid)!, o.Start, o.End, o.Advice);
            case MremapOp o: return SysMremap(H.Process(o.Pid)!, o.Start, o.End, o.NewStart, o.DontUnmap);
            case WriteOp o: return HandleWriteFault(H.Process(o.Pid)!, o.Addr);
            case ReadOp: return 0;
            case ForkOp o: return SysFork(H.Process(o.Pid)!, out detail);
            case ExitOp o: SysExit(H.Process(o.Pid)!); return 0;
            case RmapWalkOp o: return RmapWalk(H.Process(o.Pid)!, o.Addr, out detail);
            case InjectOp o:
                H.PendingFailures.Add(o.Kind);
                return 0;
            default:
                throw new ArgumentException($"unknown operation {op}", nameof(op));
        }
    }

    /// <summary>mmap(MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE) of a hole.</summary>
    protected virtual int SysMmap(Mm mm, long start, long end, Prot prot) => MmapRegion(mm, start, end, prot);

    /// <summary>munmap(): do_vmi_munmap() -> do_vmi_align_munmap().</summary>
    protected virtual int SysMunmap(Mm mm, long start, long end) => DoVmiAlignMunmap(mm, start, end);

    /// <summary>
    /// do_mprotect_pkey() (mm/mprotect.c): for each VMA of the range, mprotect_fixup(), which does nothing
    /// when the protection is unchanged and otherwise vma_modify_flags() then sets the new flags.
    /// </summary>
    protected virtual int SysMprotect(Mm mm, long start, long end, Prot prot)
    {
        using var _ = Trace("do_mprotect_pkey", mm, start, end, ProtText.Format(prot));
        return ForEachVmaInRange(mm, start, end, (vma, prev, s, e) =>
        {
            using var __ = Trace("mprotect_fixup", vma, s, e);
            if (vma.Prot == prot)
                return (vma, 0);
            var res = VmaModifyFlags(mm, prev, vma, s, e, prot, vma.Flags, out int err);
            if (res is null)
                return (null, err);
            res.Prot = prot;
            return (res, 0);
        });
    }

    /// <summary>
    /// madvise_walk_vmas() + madvise_update_vma() (mm/madvise.c) for MADV_DONTFORK/DOFORK/WIPEONFORK/KEEPONFORK.
    /// </summary>
    protected virtual int SysMadvise(Mm mm, long start, long end, Advice advice)
    {
        using var _ = Trace("madvise", mm, start, end, advice);
        return ForEachVmaInRange(mm, start, end, (vma, prev, s, e) =>
        {
            using var __ = Trace("madvise_update_vma", vma, s, e);
            var flags = advice switch
            {
                Advice.DontFork => vma.Flags | VmaFlags.DontCopy,
                Advice.DoFork => vma.Flags & ~VmaFlags.DontCopy,
                Advice.WipeOnFork => vma.Flags | VmaFlags.WipeOnFork,
                Advice.KeepOnFork => vma.Flags & ~VmaFlags.WipeOnFork,
                _ => throw new ArgumentOutOfRangeException(nameof(advice)),
            };
            if (flags == vma.Flags)
                return (vma, 0);
            var res = VmaModifyFlags(mm, prev, vma, s, e, vma.Prot, flags, out int err);
            if (res is null)
                return (null, err);
            res.Flags = flags;
            return (res, 0);
        });
    }

    /// <summary>
    /// The VMA walk shared by mprotect and madvise: prev is the VMA before the range, or the first VMA itself
    /// when the range starts inside it; after each step the walk continues behind the VMA it returned.
    /// </summary>
    protected int ForEachVmaInRange(Mm mm, long start, long end, Func<Vma, Vma?, long, long, (Vma? Result, int Error)> visit)
    {
        var vma = mm.FindVma(start);
        if (vma is null)
            return ENOMEM;
        var prev = start > vma.Start ? vma : mm.Prev(vma);
        long at = start;
        while (true)
        {
            long tmp = Math.Min(vma.End, end);
            var (res, err) = visit(vma, prev, at, tmp);
            if (err != 0)
                return err;
            prev = res;
            at = Math.Max(tmp, res!.End);
            if (at >= end)
                return 0;
            vma = mm.FindVma(at);
            if (vma is null)
                return ENOMEM;
        }
    }

    /// <summary>mremap(old, len, len, MREMAP_MAYMOVE|MREMAP_FIXED[|MREMAP_DONTUNMAP], new) -> move_vma().</summary>
    protected virtual int SysMremap(Mm mm, long start, long end, long newStart, bool dontUnmap)
    {
        using var _ = Trace("mremap", mm, start, end, newStart, dontUnmap);
        var vma = mm.FindVma(start)!;
        return MoveVma(vma, start, end - start, newStart, dontUnmap);
    }

    /// <summary>fork(): copy_process() -> dup_mm() -> dup_mmap(); the child gets the lowest free pid.</summary>
    protected virtual int SysFork(Mm parent, out string? detail)
    {
        int pid = 0;
        while (H.ProcessMap.ContainsKey(pid))
            pid++;
        using var _ = Trace("fork", parent, $"child p{pid}");
        var child = new Mm(pid);
        int ret = DupMmap(child, parent);
        if (ret == 0)
        {
            H.ProcessMap.Add(pid, child);
            detail = $"child p{pid}";
        }
        else
            detail = null;
        return ret;
    }

    /// <summary>exit(): exit_mmap() of the process's mm.</summary>
    protected virtual void SysExit(Mm mm)
    {
        using var _ = Trace("exit", mm);
        ExitMmap(mm);
        H.ProcessMap.Remove(mm.Pid);
    }

    /// <summary>
    /// A store to a mapped page: handle_mm_fault() -> do_anonymous_page() when no PTE is present,
    /// do_wp_page() when the PTE is write-protected (the page is not exclusive); an exclusive page is
    /// already writable and takes no fault.
    /// </summary>
    protected virtual int HandleWriteFault(Mm mm, long addr)
    {
        var vma = mm.FindVma(addr)!;
        if (!mm.Ptes.TryGetValue(addr, out var page))
            return DoAnonymousPage(mm, vma, addr);
        if (page.Exclusive)
            return 0;
        return DoWpPage(mm, vma, addr, page);
    }

    /// <summary>
    /// The reverse-map walk of the page mapped at (mm, addr), as reclaim or migration would run it. Every
    /// PTE that maps the page and is not found is reported as <see cref="ViolationKind.RmapMiss"/>.
    /// </summary>
    protected virtual int RmapWalk(Mm mm, long addr, out string? detail)
    {
        var page = mm.Ptes[addr];
        using var _ = Trace("rmap_walk", page);
        var found = RmapWalkAnon(page);
        detail = "found " + (found.Count == 0 ? "nothing" : string.Join(" ", found.Select(f => $"p{f.Pid}:{f.Address}")));
        foreach (var p in H.ProcessMap.Values)
        {
            foreach (var (a, pg) in p.Ptes)
            {
                if (ReferenceEquals(pg, page) && !found.Contains((p.Pid, a)))
                {
                    Report(ViolationKind.RmapMiss, "rmap_walk_anon", "",
                        $"p{p.Pid}:{a} maps {page} but the walk of {Show(page.Mapping)} (index {page.Index}) did not find it");
                }
            }
        }
        return 0;
    }
}
