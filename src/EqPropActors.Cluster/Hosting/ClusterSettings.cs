using Akka.Configuration;
using EqPropActors.Core;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

public enum PlacementKind { RoundRobin, Explicit }

/// <summary>The <c>eqprop.cluster</c> section of a node's configuration (see cluster-config/cluster-defaults.conf).</summary>
public sealed record ClusterSettings(int ExpectedWorkers, TimeSpan JoinTimeout, PlacementKind Placement,
    IReadOnlyDictionary<string, string> ExplicitPlacement, string NodeName, int SnapshotEvery, TimeSpan MessageTimeout, bool ActivityLinks = true, int ActivityLinkPort = 0)
{
    private static readonly string[] KnownKeys =
        ["expected-workers", "join-timeout", "placement", "explicit-placement", "node-name", "snapshot-every", "message-timeout", "activity-links", "activity-link-port"];

    public static ClusterSettings FromConfig(Config config, string source)
    {
        var section = config.GetConfig("eqprop.cluster") ?? throw new ConfigurationException($"{source}: the eqprop.cluster section is missing");
        // Akka's HOCON parser accepts nearly anything, so a misspelt key would silently fall back to its default.
        var unknown = section.AsEnumerable().Select(entry => entry.Key.Split('.')[0]).Distinct().Except(KnownKeys).ToArray();
        if (unknown.Length > 0)
            throw new ConfigurationException($"{source}: unknown setting eqprop.cluster.{unknown[0]}; the settings are {string.Join(", ", KnownKeys)}");
        int workers = section.GetInt("expected-workers", -1);
        if (workers < 0)
            throw new ConfigurationException($"{source}: eqprop.cluster.expected-workers must be 0 or more, got {section.GetString("expected-workers")}");
        int snapshotEvery = section.GetInt("snapshot-every", 0);
        if (snapshotEvery < 1)
            throw new ConfigurationException($"{source}: eqprop.cluster.snapshot-every must be at least 1 minibatch, got {section.GetString("snapshot-every")}");
        string placementText = section.GetString("placement", "round-robin");
        var placement = placementText switch
        {
            "round-robin" => PlacementKind.RoundRobin,
            "explicit" => PlacementKind.Explicit,
            _ => throw new ConfigurationException($"{source}: eqprop.cluster.placement is '{placementText}'; expected 'round-robin' or 'explicit'"),
        };
        var explicitPlacement = new Dictionary<string, string>();
        var map = section.GetConfig("explicit-placement");
        if (map is not null && !map.IsEmpty)
            foreach (var (group, value) in map.AsEnumerable())
                explicitPlacement[group] = value.GetString();
        return new ClusterSettings(workers, Duration(section, "join-timeout", source), placement, explicitPlacement,
            section.GetString("node-name", ""), snapshotEvery, Duration(section, "message-timeout", source), Switch(section, "activity-links", source),
            Port(section, "activity-link-port", source));
    }

    private static int Port(Config section, string key, string source)
    {
        int port = section.GetInt(key, 0);
        return port is >= 0 and <= 65535 ? port : throw new ConfigurationException($"{source}: eqprop.cluster.{key} must be a TCP port (0: any free one), got {port}");
    }

    private static bool Switch(Config section, string key, string source)
    {
        string text = section.GetString(key, "on");
        return text switch
        {
            "on" or "true" => true,
            "off" or "false" => false,
            _ => throw new ConfigurationException($"{source}: eqprop.cluster.{key} is '{text}'; expected on or off"),
        };
    }

    private static TimeSpan Duration(Config section, string key, string source)
    {
        var value = section.GetTimeSpan(key, TimeSpan.Zero);
        return value > TimeSpan.Zero ? value : throw new ConfigurationException($"{source}: eqprop.cluster.{key} must be a positive duration such as 60s, got '{section.GetString(key)}'");
    }
}
