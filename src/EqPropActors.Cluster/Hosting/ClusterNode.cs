using System.Net.Sockets;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using EqPropActors.Actors;
using EqPropActors.Actors.Groups;
using EqPropActors.Cluster.Messages;
using EqPropActors.Cluster.Serialization;
using EqPropActors.Core;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// One member of an EqPropActors cluster: an actor system with a <see cref="GroupHost"/> (groups are placed on
/// it) and a small actor that describes the node to the coordinator. Worker processes (eqprop node) and the
/// coordinator (eqprop train --engine cluster) are both one of these.
/// </summary>
public sealed class ClusterNode : IDisposable
{
    public const string InfoName = "eqprop-node";
    public const string InfoPath = "/user/" + InfoName;

    private ClusterNode(ActorSystem system, ClusterSettings settings, string source)
    {
        System = system;
        Cluster = Akka.Cluster.Cluster.Get(system);
        Settings = settings;
        Source = source;
        Name = settings.NodeName.Length > 0 ? settings.NodeName : $"{Cluster.SelfAddress.Host}:{Cluster.SelfAddress.Port}";
        system.ActorOf(GroupHost.Props(ActorEngine.GroupDispatcher), GroupHost.Name);
        long frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128000;
        var description = new HostDescription(Name, frame, EngineMessageSerializer.ProtocolVersion, Environment.ProcessorCount);
        system.ActorOf(Props.Create(() => new NodeInfoActor(description)), InfoName);
    }

    public ActorSystem System { get; }
    public Akka.Cluster.Cluster Cluster { get; }
    public ClusterSettings Settings { get; }
    public string Name { get; }

    /// <summary>The file the node was configured from, for messages.</summary>
    public string Source { get; }

    public static ClusterNode Start(Config config, string source, Setup? setup = null)
    {
        var settings = ClusterSettings.FromConfig(config, source);
        ActorSystem system;
        try
        {
            var bootstrap = BootstrapSetup.Create().WithConfig(config);
            system = setup is null
                ? ActorSystem.Create(ClusterNodeConfig.SystemName, bootstrap)
                : ActorSystem.Create(ClusterNodeConfig.SystemName, ActorSystemSetup.Create(bootstrap).And(setup));
        }
        catch (Exception e)
        {
            throw Explain(e, config, source);
        }
        return new ClusterNode(system, settings, source);
    }

    /// <summary>Blocks until this node is Up in the cluster; a clear error when no seed node lets it in.</summary>
    public void WaitUntilUp(TimeSpan timeout)
    {
        var up = new TaskCompletionSource();
        Cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (up.Task.Wait(timeout))
            return;
        var seeds = System.Settings.Config.GetStringList("akka.cluster.seed-nodes");
        throw new ConfigurationException($"node {Name} ({Cluster.SelfAddress}) could not join the cluster within {timeout.TotalSeconds:F0} s through the seed nodes " +
            $"[{string.Join(", ", seeds)}] of {Source}: is the first seed node running and reachable from here, with the same TLS settings?");
    }

    private static Exception Explain(Exception e, Config config, string source)
    {
        string host = config.GetString("akka.remote.dot-netty.tcp.hostname", "?");
        int port = config.GetInt("akka.remote.dot-netty.tcp.port", 0);
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || inner.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                return new ConfigurationException($"port {port} on {host} is in use (akka.remote.dot-netty.tcp.port, from {source} or --port): " +
                    "stop the process that holds it or choose another port (0 picks a free one)");
            if (inner is SocketException { SocketErrorCode: SocketError.AddressNotAvailable })
                return new ConfigurationException($"cannot listen on {host}:{port} (akka.remote.dot-netty.tcp.hostname in {source}): this machine has no such address");
        }
        return new ConfigurationException($"the cluster node configured by {source} did not start: {e.GetBaseException().Message}");
    }

    public void Dispose()
    {
        // Leave gracefully (coordinated shutdown), so the others see this node go rather than fail.
        CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(20));
        System.WhenTerminated.Wait(TimeSpan.FromSeconds(10));
    }

    private sealed class NodeInfoActor : ReceiveActor
    {
        public NodeInfoActor(HostDescription description) => Receive<DescribeHost>(_ => Sender.Tell(description));
    }
}
