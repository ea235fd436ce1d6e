using Akka.Configuration;
using EqPropActors.Actors;
using EqPropActors.Core;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

/// <summary>What a node is in the run: the one coordinator (eqprop train --engine cluster) or a worker (eqprop node).</summary>
public enum NodeRole { Coordinator, Worker }

/// <summary>
/// Builds a node's Akka configuration: the command line (--port, --seed-nodes) over the node's file over
/// cluster-defaults.conf over actors.conf. The role comes from the command, never from the file. With eqprop.tls on,
/// it also turns on Akka's TLS transport and resolves the certificate paths against the file's folder.
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
            file = ClusterConfigFile.Parse(path);
        }
        catch (Exception e) when (e is not IOException and not ConfigurationException)
        {
            throw new ConfigurationException($"cluster configuration '{path}' is not valid HOCON: {e.Message}");
        }
        return Compose(file, path, role, port, seedNodes, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <param name="directory">The folder relative paths in <paramref name="file"/> start from; null: the current folder.</param>
    public static Config Compose(Config file, string source, NodeRole role, int? port = null, IReadOnlyList<string>? seedNodes = null,
        string? directory = null)
    {
        CheckRoles(file, source);
        bool tls = file.WithFallback(Defaults()).GetBoolean($"{TlsSettings.Section}.enabled", false);
        string roleName = role == NodeRole.Coordinator ? "coordinator" : "worker";
        var overrides = $"akka.cluster.roles = [\"{roleName}\"]\n";
        if (port is { } p)
        {
            if (p is < 0 or > 65535)
                throw new ConfigurationException($"--port must be between 0 and 65535, got {p}");
            overrides += $"akka.remote.dot-netty.tcp.port = {p}\n";
        }
        if (seedNodes is { Count: > 0 })
            overrides += $"akka.cluster.seed-nodes = [{string.Join(", ", seedNodes.Select(s => Quote(SeedAddress(s, tls))))}]\n";
        if (tls)
            overrides += TlsOverrides(file, directory ?? Environment.CurrentDirectory);
        var config = ConfigurationFactory.ParseString(overrides).WithFallback(file).WithFallback(Defaults()).WithFallback(ActorEngine.DefaultConfig());
        // Fail now, with the file's name, rather than halfway through a run.
        ClusterSettings.FromConfig(config, source);
        TlsSettings.FromConfig(config, source);
        CheckSeedSchemes(config, source, tls);
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

    /// <summary>
    /// "host:port" (or a full akka.tcp://eqprop@host:port address) as the seed address Akka expects: akka.ssl.tcp://
    /// when <paramref name="tls"/> is on, since a TLS transport only answers to that scheme.
    /// </summary>
    public static string SeedAddress(string seed, bool tls = false)
    {
        string text = seed.Trim();
        string scheme = Scheme(tls);
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (text.StartsWith($"{scheme}://", StringComparison.Ordinal))
                return text;
            throw new ConfigurationException($"seed node '{seed}' (--seed-nodes) is not an {scheme}:// address, and eqprop.tls is {(tls ? "on" : "off")}: " +
                $"write host:port (e.g. 127.0.0.1:4053) or {scheme}://{SystemName}@host:port");
        }
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
            throw new ConfigurationException($"seed node '{seed}' is not host:port (e.g. 127.0.0.1:4053) or {scheme}://{SystemName}@host:port");
        return $"{scheme}://{SystemName}@{text[..colon]}:{port}";
    }

    private static string Scheme(bool tls) => tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>A node with TLS on cannot even talk to an akka.tcp:// seed (nor one without to akka.ssl.tcp://): say so now.</summary>
    private static void CheckSeedSchemes(Config config, string source, bool tls)
    {
        if (!config.HasPath("akka.cluster.seed-nodes"))
            return;
        string scheme = Scheme(tls);
        foreach (string seed in config.GetStringList("akka.cluster.seed-nodes"))
            if (!seed.StartsWith($"{scheme}://", StringComparison.Ordinal))
                throw new ConfigurationException(tls
                    ? $"{source}: akka.cluster.seed-nodes has '{seed}', but {TlsSettings.Section}.enabled is on: with TLS every address is {scheme}://{SystemName}@host:port"
                    : $"{source}: akka.cluster.seed-nodes has '{seed}', but {TlsSettings.Section}.enabled is off: without TLS every address is {scheme}://{SystemName}@host:port");
    }

    /// <summary>TLS on in the transport, and the certificate paths made absolute against the file's folder.</summary>
    private static string TlsOverrides(Config file, string directory)
    {
        var overrides = "akka.remote.dot-netty.tcp.enable-ssl = on\n";
        foreach (string key in new[] { "certificate", "ca-certificate" })
        {
            string path = file.GetString($"{TlsSettings.Section}.{key}", "");
            if (path.Length > 0)
                overrides += $"{TlsSettings.Section}.{key} = {Quote(Path.GetFullPath(path, directory))}\n";
        }
        return overrides;
    }

    /// <summary>A HOCON string literal (file paths may hold backslashes and quotes).</summary>
    private static string Quote(string text) => $"\"{text.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

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
