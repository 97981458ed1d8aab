namespace Formal.Explorer;

/// Placeholder so the empty layer builds; replaced as the layer is written.
internal static class AssemblyMarker { }
