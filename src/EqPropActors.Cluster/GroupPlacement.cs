using Akka.Actor;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Messages;
using EqPropActors.Core;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster;

/// <summary>A worker that can take groups: where it is and what it said about itself.</summary>
public sealed record Worker(Address Address, HostDescription Description)
{
    public string Name => Description.NodeName;
}

/// <summary>
/// Which worker runs which group. Round-robin over the workers sorted by name, in group-id order, so the same
/// members always give the same placement; explicit entries (group name → node name) take precedence. Results
/// never depend on placement: each group's random numbers derive from the run seed and its id.
/// </summary>
public static class GroupPlacement
{
    public static IReadOnlyDictionary<int, Worker> Assign(NetworkSpec network, IReadOnlyList<Worker> workers, ClusterSettings settings)
    {
        if (workers.Count == 0)
            throw new InvalidOperationException("no worker to place groups on");
        var sorted = workers.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Address.ToString(), StringComparer.Ordinal).ToArray();
        var byName = sorted.GroupBy(w => w.Name).ToDictionary(g => g.Key, g => g.First());
        var names = network.FreeGroups.Select(g => g.Name).ToHashSet();
        foreach (var group in settings.ExplicitPlacement.Keys)
            if (!names.Contains(group))
                throw new ConfigurationException($"eqprop.cluster.explicit-placement names group '{group}', which the {network.Describe()} network " +
                    $"(groups {string.Join(", ", names)}) does not have");
        var placement = new Dictionary<int, Worker>();
        int next = 0;
        foreach (var group in network.FreeGroups)
        {
            if (settings.Placement == PlacementKind.Explicit && settings.ExplicitPlacement.TryGetValue(group.Name, out var node))
                placement[group.Id] = byName.TryGetValue(node, out var worker) ? worker
                    : throw new ConfigurationException($"eqprop.cluster.explicit-placement puts {group.Name} on node '{node}', which is not a member; " +
                        $"workers up: {string.Join(", ", byName.Keys)}");
            else
                placement[group.Id] = sorted[next++ % sorted.Length];
        }
        return placement;
    }
}
