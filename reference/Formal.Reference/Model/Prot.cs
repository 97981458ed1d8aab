namespace Formal.Reference;

/// <summary>Access rights of a mapping (the VM_READ/VM_WRITE/VM_EXEC part of vm_flags).</summary>
public enum Prot
{
    R,
    RW,
    RWX,
}

/// <summary>The non-access vm_flags bits the model tracks.</summary>
[Flags]
public enum VmaFlags
{
    None = 0,
    /// <summary>VM_DONTCOPY, set by MADV_DONTFORK: fork skips the VMA.</summary>
    DontCopy = 1,
    /// <summary>VM_WIPEONFORK, set by MADV_WIPEONFORK (v4.14+): the child gets an empty copy.</summary>
    WipeOnFork = 2,
}

public static class ProtText
{
    public static string Format(Prot p) => p switch
    {
        Prot.R => "r",
        Prot.RW => "rw",
        Prot.RWX => "rwx",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    public static bool TryParse(string s, out Prot p)
    {
        switch (s)
        {
            case "r": p = Prot.R; return true;
            case "rw": p = Prot.RW; return true;
            case "rwx": p = Prot.RWX; return true;
            default: p = default; return false;
        }
    }

    public static bool IsWritable(Prot p) => p != Prot.R;
}
