using Akka.Configuration;
using EqPropActors.Actors;
using EqPropActors.Core;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

/// <summary>What a node is in the run: the one coordinator (eqprop train --engine cluster) or a worker (eqprop node).</summary>
public enum NodeRole { Coordinator, Worker }

/// <summary>
/// Builds a node's Akka configuration: the command line (--port, --seed-nodes) over the node's file over
/// cluster-defaults.conf over actors.conf. The role comes from the command, never from the file.
/// </summary>
public static class ClusterNodeConfig
{
    public const string SystemName = "eqprop";

    public static Config Load(string path, NodeRole role, int? port = null, IReadOnlyList<string>? seedNodes = null)
    {
        if (!File.Exists(path))
            throw new ConfigurationException($"cluster configuration '{path}' does not exist (the files in cluster-config/ are ready to use)");
        Config file;
        try
        {
            file = ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new ConfigurationException($"cluster configuration '{path}' is not valid HOCON: {e.Message}");
        }
        return Compose(file, path, role, port, seedNodes);
    }

    public static Config Compose(Config file, string source, NodeRole role, int? port = null, IReadOnlyList<string>? seedNodes = null)
    {
        CheckRoles(file, source);
        string roleName = role == NodeRole.Coordinator ? "coordinator" : "worker";
        var overrides = $"akka.cluster.roles = [\"{roleName}\"]\n";
        if (port is { } p)
        {
            if (p is < 0 or > 65535)
                throw new ConfigurationException($"--port must be between 0 and 65535, got {p}");
            overrides += $"akka.remote.dot-netty.tcp.port = {p}\n";
        }
        if (seedNodes is { Count: > 0 })
            overrides += $"akka.cluster.seed-nodes = [{string.Join(", ", seedNodes.Select(s => $"\"{SeedAddress(s)}\""))}]\n";
        var config = ConfigurationFactory.ParseString(overrides).WithFallback(file).WithFallback(Defaults()).WithFallback(ActorEngine.DefaultConfig());
        ClusterSettings.FromConfig(config, source); // fail now, with the file's name, rather than halfway through a run
        return config;
    }

    /// <summary>cluster-config/cluster-defaults.conf, compiled into this assembly.</summary>
    public static Config Defaults()
    {
        using var stream = typeof(ClusterNodeConfig).Assembly.GetManifestResourceStream("EqPropActors.Cluster.cluster-defaults.conf")
            ?? throw new InvalidOperationException("the embedded cluster-defaults.conf is missing from EqPropActors.Cluster");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>"host:port" (or a full akka.tcp://eqprop@host:port address) as the seed address Akka expects.</summary>
    public static string SeedAddress(string seed)
    {
        string text = seed.Trim();
        if (text.StartsWith("akka.tcp://", StringComparison.Ordinal))
            return text;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
            throw new ConfigurationException($"seed node '{seed}' is not host:port (e.g. 127.0.0.1:4053) or akka.tcp://{SystemName}@host:port");
        return $"akka.tcp://{SystemName}@{text[..colon]}:{port}";
    }

    private static void CheckRoles(Config file, string source)
    {
        if (!file.HasPath("akka.cluster.roles"))
            return;
        foreach (string role in file.GetStringList("akka.cluster.roles"))
            if (role is not ("coordinator" or "worker"))
                throw new ConfigurationException($"{source}: unknown role '{role}' in akka.cluster.roles; a node is the 'coordinator' " +
                    "(eqprop train --engine cluster) or a 'worker' (eqprop node), and the command sets it: remove the setting");
    }
}
