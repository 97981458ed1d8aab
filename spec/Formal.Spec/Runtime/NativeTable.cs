using System.Runtime.InteropServices;

namespace Formal.Spec.Runtime;

/// Zeroed native memory for the fingerprint tables (seen set, canonical cache),
/// on 2 MiB pages once a table is that large: lookups land on random pages, and with 4 KiB
/// pages each one also missed the TLB.
public static unsafe class NativeTable
{
    private const int HugePage = 2 << 20;
    private const int MadvHugePage = 14;

    public static ulong* Allocate(nuint bytes)
    {
        bool huge = bytes >= HugePage;
        var p = (ulong*)NativeMemory.AlignedAlloc(bytes, huge ? (nuint)HugePage : 64);
        if (huge && OperatingSystem.IsLinux()) _ = Madvise((nint)p, bytes & ~(nuint)(HugePage - 1), MadvHugePage);
        NativeMemory.Clear(p, bytes);
        return p;
    }

    public static void Free(ulong* p) => NativeMemory.AlignedFree(p);

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint addr, nuint length, int advice);
}
