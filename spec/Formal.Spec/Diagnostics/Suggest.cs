namespace Formal.Spec.Diagnostics;

/// "Did you mean" hints by Damerau-Levenshtein distance.
public static class Suggest
{
    public static string? Closest(string word, IEnumerable<string> candidates, int maxDistance = 2)
    {
        if (word.Length < 2) return null; // one-letter names: any suggestion would be noise
        string? best = null;
        int bestD = int.MaxValue;
        foreach (var c in candidates.OrderBy(c => c, StringComparer.Ordinal))
        {
            int d = Distance(word.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestD) { bestD = d; best = c; }
        }
        int limit = Math.Min(maxDistance, Math.Max(1, word.Length / 2));
        return bestD <= limit ? best : null;
    }

    public static string Hint(string word, IEnumerable<string> candidates)
    {
        var c = Closest(word, candidates);
        return c is null ? "" : $" (did you mean '{c}'?)";
    }

    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
