using System.Globalization;

namespace Formal.Reference;

/// <summary>madvise() advice values the model supports.</summary>
public enum Advice
{
    DontFork,
    DoFork,
    WipeOnFork,
    KeepOnFork,
}

/// <summary>
/// A user-visible operation. The textual form (<see cref="ToString"/>) is stable and is what
/// <see cref="OperationParser"/> reads back: e.g. <c>mprotect(p0, 0, 1, r)</c>.
/// </summary>
public abstract record Operation
{
    /// <summary>The operation's name in the shared vocabulary (mmap, write, fork, ...).</summary>
    public abstract string Name { get; }

    protected abstract IEnumerable<string> Args();

    public sealed override string ToString() => $"{Name}({string.Join(", ", Args())})";

    protected static string P(int pid) => "p" + pid.ToString(CultureInfo.InvariantCulture);
    protected static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string FormatAdvice(Advice a) => a switch
    {
        Advice.DontFork => "dontfork",
        Advice.DoFork => "dofork",
        Advice.WipeOnFork => "wipeonfork",
        Advice.KeepOnFork => "keeponfork",
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static string FormatAllocKind(AllocKind k) => k switch
    {
        AllocKind.Avc => "avc",
        AllocKind.AnonVma => "anon_vma",
        AllocKind.Vma => "vma",
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };
}

/// <summary>Operations that act on one process.</summary>
public abstract record ProcessOperation(int Pid) : Operation;

/// <summary>mmap(proc, start, end, prot): a new private anonymous mapping of the hole [start, end).</summary>
public sealed record MmapOp(int Pid, long Start, long End, Prot Prot) : ProcessOperation(Pid)
{
    public override string Name => "mmap";
    protected override IEnumerable<string> Args() => [P(Pid), N(Start), N(End), ProtText.Format(Prot)];
}

/// <summary>munmap(proc, start, end).</summary>
public sealed record MunmapOp(int Pid, long Start, long End) : ProcessOperation(Pid)
{
    public override string Name => "munmap";
    protected override IEnumerable<string> Args() => [P(Pid), N(Start), N(End)];
}

/// <summary>mprotect(proc, start, end, prot).</summary>
public sealed record MprotectOp(int Pid, long Start, long End, Prot Prot) : ProcessOperation(Pid)
{
    public override string Name => "mprotect";
    protected override IEnumerable<string> Args() => [P(Pid), N(Start), N(End), ProtText.Format(Prot)];
}

/// <summary>madvise(proc, start, end, advice).</summary>
public sealed record MadviseOp(int Pid, long Start, long End, Advice Advice) : ProcessOperation(Pid)
{
    public override string Name => "madvise";
    protected override IEnumerable<string> Args() => [P(Pid), N(Start), N(End), FormatAdvice(Advice)];
}

/// <summary>mremap(proc, start, end, newstart, dontunmap): move [start, end) to [newstart, newstart + len).</summary>
public sealed record MremapOp(int Pid, long Start, long End, long NewStart, bool DontUnmap) : ProcessOperation(Pid)
{
    public override string Name => "mremap";
    protected override IEnumerable<string> Args() => [P(Pid), N(Start), N(End), N(NewStart), DontUnmap ? "true" : "false"];
}

/// <summary>write(proc, addr): a store to a mapped page (anonymous fault, COW or reuse).</summary>
public sealed record WriteOp(int Pid, long Addr) : ProcessOperation(Pid)
{
    public override string Name => "write";
    protected override IEnumerable<string> Args() => [P(Pid), N(Addr)];
}

/// <summary>read(proc, addr): a load; maps the zero page at most, so nothing anonymous changes.</summary>
public sealed record ReadOp(int Pid, long Addr) : ProcessOperation(Pid)
{
    public override string Name => "read";
    protected override IEnumerable<string> Args() => [P(Pid), N(Addr)];
}

/// <summary>fork(proc): the child gets the lowest free process id.</summary>
public sealed record ForkOp(int Pid) : ProcessOperation(Pid)
{
    public override string Name => "fork";
    protected override IEnumerable<string> Args() => [P(Pid)];
}

/// <summary>exit(proc).</summary>
public sealed record ExitOp(int Pid) : ProcessOperation(Pid)
{
    public override string Name => "exit";
    protected override IEnumerable<string> Args() => [P(Pid)];
}

/// <summary>rmap_walk(proc, addr): reverse-map walk of the page mapped at (proc, addr).</summary>
public sealed record RmapWalkOp(int Pid, long Addr) : ProcessOperation(Pid)
{
    public override string Name => "rmap_walk";
    protected override IEnumerable<string> Args() => [P(Pid), N(Addr)];
}

/// <summary>inject(kind): the next allocation of that kind fails.</summary>
public sealed record InjectOp(AllocKind Kind) : Operation
{
    public override string Name => "inject";
    protected override IEnumerable<string> Args() => [FormatAllocKind(Kind)];
}
