using System.Text;

namespace EqPropActors.Cli.Studies;

/// <summary>Folder names for conditions, whose names may hold any text (spaces, '/', '=').</summary>
internal static class ConditionSlugs
{
    // Long grid names would exceed the 255-byte limit of a file name; the run folders inside need room too.
    private const int MaximumLength = 120;

    /// <summary>
    /// The slug of a condition named <paramref name="name"/> at <paramref name="gridPoint"/>:
    /// <c>async__delay-1__send-threshold-0.01</c>.
    /// </summary>
    public static string For(string name, IReadOnlyList<StudyOption> gridPoint)
    {
        var slug = new StringBuilder(Clean(name));
        foreach (var option in gridPoint)
            slug.Append("__").Append(Clean(option.Name)).Append('-').Append(Clean(option.Value));
        return slug.ToString();
    }

    /// <summary>
    /// Makes <paramref name="slugs"/> usable and unique: a slug that is empty or would be hidden (a leading '.') or too
    /// long is repaired, and a repeated one (names differing only in case or punctuation) gets "-2", "-3", ...
    /// </summary>
    public static IReadOnlyList<string> MakeUnique(IReadOnlyList<string> slugs)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<string>(slugs.Count);
        for (int i = 0; i < slugs.Count; i++)
        {
            var slug = slugs[i].TrimStart('.', '-');
            if (slug.Length > MaximumLength)
                slug = slug[..MaximumLength];
            if (slug.Length == 0)
                slug = $"condition-{i + 1}";
            var candidate = slug;
            for (int copy = 2; !used.Add(candidate); copy++)
                candidate = $"{slug}-{copy}";
            unique.Add(candidate);
        }
        return unique;
    }

    /// <summary>Lowercase, with every character outside [a-z0-9._-] replaced by '-'.</summary>
    private static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
            clean.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-' ? c : '-');
        return clean.ToString();
    }
}
