namespace EqPropActors.Cli.Studies;

/// <summary>Finds the known name a mistyped one was probably meant to be, for "did you mean" hints.</summary>
internal static class NameSuggestion
{
    /// <summary>
    /// The candidate closest to <paramref name="name"/> by edit distance (ignoring case), or null when none is close
    /// enough to be a plausible typo.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        // Up to a third of the name may be wrong (at least 2 edits), so that 'tau-sprad' finds 'tau-spread' but
        // 'x' does not find 'dt'.
        int allowed = Math.Max(2, name.Length / 3);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int distance = EditDistance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
