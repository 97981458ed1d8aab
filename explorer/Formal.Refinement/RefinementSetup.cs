using Formal.Reference;
using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Runtime;
using Formal.Spec.Syntax;

namespace Formal.Refinement;

/// Which user-visible operations a configuration enables: the spec's feature constants (PROTS,
/// MADVISE, MREMAP) restrict the reference's enumeration to the same vocabulary.
public sealed record OperationFilter(bool R, bool Rwx, int Madvise, bool Mremap, bool Inject)
{
    public bool Allows(Operation op) => op switch
    {
        MmapOp o => Prot(o.Prot),
        MprotectOp o => Prot(o.Prot),
        MadviseOp o => Madvise >= 2 || (Madvise == 1 && o.Advice is Advice.DontFork or Advice.WipeOnFork),
        MremapOp => Mremap,
        InjectOp => Inject,
        _ => true,
    };

    private bool Prot(Prot p) => p switch
    {
        Reference.Prot.R => R,
        Reference.Prot.RWX => Rwx,
        _ => true,
    };
}

/// The spec a rule set is checked against, in two forms: <see cref="Ir"/> with the constants
/// the user asked for (they set the reference's bounds and operations), and <see cref="AbstractIr"/>,
/// the same spec with slack in its pools (see README.md, "Bounds") and allocation failures
/// enabled (OOM), which the abstract states live in.
public sealed record RefinementSetup(string SpecPath, SpecIr Ir, SpecIr AbstractIr, Bounds Bounds, OperationFilter Filter)
{
    /// Extra objects the abstract spec has over the reference's bounds: the spec allocates a VMA
    /// before merging it away and splits before it merges (two transient VMAs), and a buggy heap
    /// may hold freed anon_vmas that are still referenced, or a freed page that is still mapped,
    /// which the spec keeps in their slots while the reference's bounds count only live objects.
    public const int VmaSlack = 2, AnonVmaSlack = 2, PageSlack = 1;

    private static readonly string[] Required = ["PROCS", "VMAS", "AVS", "PAGES", "ADDR"];

    public static RefinementSetup? Load(string specPath, string? config, IReadOnlyList<ConstOverride> overrides, bool inject, DiagnosticBag diags)
    {
        var ir = SpecLoader.Load(specPath, config, overrides, diags);
        if (ir is null) return null;
        var span = new SourceSpan(specPath, 1, 1);
        long? Get(string name) => ir.Constants.FirstOrDefault(c => c.Name == name) is { Name: not null } c ? c.Value.Int : null;
        var missing = Required.Where(n => Get(n) is null).ToList();
        var vars = new[] { "procs", "vma", "av", "page", "pte" }.Where(v => ir.Vars.All(x => x.Name != v)).ToList();
        if (missing.Count > 0 || vars.Count > 0)
        {
            diags.Error(span, $"refinement needs the anon_vma spec (constants {string.Join(", ", Required)}; variables procs, vma, av, page, pte); {ir.Name} lacks {string.Join(", ", missing.Concat(vars))}");
            return null;
        }
        var bounds = new Bounds(
            MaxProcesses: (int)Get("PROCS")!.Value,
            AddressSpacePages: (int)Get("ADDR")!.Value,
            MaxVmas: (int)Get("VMAS")!.Value,
            MaxAnonVmas: (int)Get("AVS")!.Value,
            MaxPages: (int)Get("PAGES")!.Value);
        long prots = Get("PROTS") ?? 3;
        var filter = new OperationFilter(R: prots >= 3, Rwx: prots >= 2, Madvise: (int)(Get("MADVISE") ?? 2), Mremap: (Get("MREMAP") ?? 1) != 0, Inject: inject);

        var slack = new List<ConstOverride>(overrides.Where(o => o.Name is not ("VMAS" or "AVS" or "PAGES" or "OOM")))
        {
            Const("VMAS", bounds.MaxVmas + VmaSlack),
            Const("AVS", bounds.MaxAnonVmas + AnonVmaSlack),
            Const("PAGES", bounds.MaxPages + PageSlack),
        };
        if (ir.Constants.Any(c => c.Name == "OOM")) slack.Add(new ConstOverride("OOM", ConstValue.OfBool(inject), new SourceSpan(Checker.CommandLine, 0, 0)));
        var abstractIr = SpecLoader.Load(specPath, config, slack, diags);
        if (abstractIr is null) return null;
        return new RefinementSetup(specPath, ir, abstractIr, bounds, filter);
    }

    private static ConstOverride Const(string name, long value) => new(name, ConstValue.OfInt(value), new SourceSpan(Checker.CommandLine, 0, 0));

    /// The transition system of the abstract spec, reduced by its symmetric pools.
    public SpecTransitionSystem NewAbstractSystem() => new(AbstractIr, symmetry: true);
}
