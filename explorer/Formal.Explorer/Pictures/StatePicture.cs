using Formal.Spec.Runtime;

namespace Formal.Explorer.Pictures;

/// One state to draw: its variables, the paths that changed in the step that led to it
/// (<see cref="Traces.StateDiff.ChangedPaths"/>), and a title.
public sealed record PictureInput(string Spec, string Title, IReadOnlyList<(string Name, Value Value)> State, IReadOnlySet<string> Changed)
{
    public Value? Var(string name) => State.FirstOrDefault(v => v.Name == name).Value;

    /// True when the path, or anything below it, changed.
    public bool IsChanged(string path) =>
        Changed.Contains(path) || Changed.Any(c => c.Length > path.Length && c.StartsWith(path, StringComparison.Ordinal) && c[path.Length] is '[' or '.');
}

/// Draws a state as DOT. Spec-specific renderers (e.g. <see cref="AnonVmaPicture"/>) recognise
/// their spec by its name and variables and return null when the state does not have the shape
/// they expect, so the generic one draws it instead.
public interface IStatePicture
{
    string Name { get; }
    string? Render(PictureInput input);
}

/// The renderers in the order they are tried; the generic table picture always applies.
public static class StatePictures
{
    public static readonly IReadOnlyList<IStatePicture> All = [new AnonVmaPicture(), new GenericPicture()];

    public static string Render(PictureInput input)
    {
        foreach (var p in All)
            if (p.Render(input) is { } dot) return dot;
        throw new InvalidOperationException("the generic picture applies to every state");
    }

    /// The colour of changed elements in every picture.
    public const string ChangedColor = "#ffd27f";
}
