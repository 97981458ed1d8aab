using Formal.Spec.Checking;
using Formal.Spec.Diagnostics;
using Formal.Spec.Ir;
using Formal.Spec.Syntax;
using Formal.Spec.Yaml;

namespace Formal.Spec;

/// The front door of the language: file -> YAML -> syntax -> checked IR for one configuration.
public static class SpecLoader
{
    public static SpecSyntax? Parse(string path, DiagnosticBag diags)
    {
        var root = YamlLoader.LoadFile(path, diags);
        if (root is null) return null;
        return SpecReader.Read(root, diags);
    }

    public static SpecSyntax? ParseText(string path, string text, DiagnosticBag diags)
    {
        var root = YamlLoader.Load(path, text, diags);
        if (root is null) return null;
        return SpecReader.Read(root, diags);
    }

    /// Parses and checks; syntax errors do not stop checking, so all errors are reported at once.
    public static SpecIr? Load(string path, string? config, IReadOnlyList<ConstOverride> overrides, DiagnosticBag diags)
    {
        var syn = Parse(path, diags);
        return syn is null ? null : Checker.Check(syn, path, config, overrides, diags);
    }

    public static SpecIr? LoadText(string path, string text, string? config, IReadOnlyList<ConstOverride> overrides, DiagnosticBag diags)
    {
        var syn = ParseText(path, text, diags);
        return syn is null ? null : Checker.Check(syn, path, config, overrides, diags);
    }
}
