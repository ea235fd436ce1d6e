using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tracing;

/// <summary>The groups a trace records (<c>--groups all</c> or <c>--groups L1G0,L2G0</c>): "all" is every group that steps.</summary>
public static class TracedGroups
{
    public static IReadOnlyList<GroupSpec> Parse(string text, NetworkSpec network)
    {
        var free = network.FreeGroups.ToArray();
        if (string.Equals(text.Trim(), "all", StringComparison.OrdinalIgnoreCase))
            return free;
        string known = string.Join(", ", free.Select(g => g.Name));
        var chosen = new List<GroupSpec>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var group = network.Groups.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ConfigurationException($"--groups: '{name}' is not a group of the {network.Describe()} network; its groups are {known} (or all)");
            if (group.Layer == 0)
                throw new ConfigurationException($"--groups: '{name}' is the clamped input, which never steps; its groups that step are {known}");
            if (!chosen.Contains(group))
                chosen.Add(group);
        }
        if (chosen.Count == 0)
            throw new ConfigurationException($"--groups: '{text}' names no group; give all or some of {known}");
        // Network order, so that the files list the groups bottom to top whatever order they were given in.
        return chosen.OrderBy(g => g.Id).ToArray();
    }
}
