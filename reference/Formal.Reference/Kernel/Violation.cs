namespace Formal.Reference;

/// <summary>What went wrong inside a kernel function. Each kind is reported separately.</summary>
public enum ViolationKind
{
    /// <summary>A freed object (anon_vma, VMA, AVC, page) was dereferenced. Fatal.</summary>
    UseAfterFree,
    /// <summary>A NULL pointer was dereferenced. Fatal.</summary>
    NullDereference,
    /// <summary>BUG_ON / VM_BUG_ON / VM_BUG_ON_VMA fired. Fatal (the kernel oopses).</summary>
    Bug,
    /// <summary>WARN_ON / WARN_ON_ONCE / VM_WARN_ON / VM_WARN_ON_ONCE fired. The kernel continues.</summary>
    Warning,
    /// <summary>degree / num_children / num_active_vmas was decremented below zero (the kernel wraps silently).</summary>
    CounterUnderflow,
    /// <summary>anon_vma->refcount was decremented below zero.</summary>
    RefcountUnderflow,
    /// <summary>
    /// Model-level: a reverse-map walk did not find the mapping it started from (the page's VMA is not in the
    /// tree of page->mapping). The kernel does not notice; reclaim or migration silently skip that mapping.
    /// </summary>
    RmapMiss,
}

/// <summary>One violation: its kind, the kernel function where it happened, the macro (if any) and a message naming objects.</summary>
public sealed record Violation(ViolationKind Kind, string Function, string Macro, string Message)
{
    /// <summary>Fatal violations stop the operation at that point (the kernel would oops or is already corrupted).</summary>
    public bool IsFatal => Kind is ViolationKind.UseAfterFree or ViolationKind.NullDereference or ViolationKind.Bug;

    public override string ToString() =>
        Macro.Length > 0 ? $"{Kind} in {Function} ({Macro}): {Message}" : $"{Kind} in {Function}: {Message}";
}

/// <summary>Thrown to unwind an operation after a fatal violation.</summary>
internal sealed class KernelHaltException(Violation violation) : Exception(violation.ToString())
{
    public Violation Violation { get; } = violation;
}

/// <summary>Thrown when an allocation would exceed the configured <see cref="Bounds"/>; the operation is discarded.</summary>
internal sealed class BoundReachedException(string what) : Exception(what);
