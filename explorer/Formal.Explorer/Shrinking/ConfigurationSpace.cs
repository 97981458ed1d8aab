using Formal.Spec;
using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Syntax;

namespace Formal.Explorer.Shrinking;

/// The configurations of one spec file the smallest-configuration search may try: every
/// integer constant with a declared `min`, re-checked with other values on demand.
public static class ConfigurationSpace
{
    public static ShrinkOptions For(string specPath, string? config, ShrinkOptions options)
    {
        var syn = SpecLoader.Parse(specPath, new DiagnosticBag());
        if (syn is null) return options;
        var shrinkable = syn.Constants.Where(c => !c.Default.IsBool && c.Min is not null).Select(c => new ShrinkableConstant(c.Name, c.Min!.Value)).ToList();
        SpecFactory factory = constants =>
        {
            var overrides = constants.Select(c => new ConstOverride(c.Name, c.Value, new SourceSpan(Checker.CommandLine, 0, 0))).ToList();
            return Checker.Check(syn, specPath, config, overrides, new DiagnosticBag());
        };
        return options with { Constants = shrinkable, Factory = factory };
    }
}
