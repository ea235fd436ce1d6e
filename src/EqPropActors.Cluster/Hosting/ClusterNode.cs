using System.Net.Sockets;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Event;
using EqPropActors.Actors;
using EqPropActors.Actors.Groups;
using EqPropActors.Cluster.Links;
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
        long frame = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128000;
        // Messages between groups on different nodes take a direct link unless turned off; the server opens when a
        // run places groups here (OpenLinks), so a node that hosts none never listens.
        var links = ActivityLinks.For(system);
        if (settings.ActivityLinks)
        {
            string bind = system.Settings.Config.GetString("akka.remote.dot-netty.tcp.hostname", "");
            links.Enable(new LinkServerSettings(bind.Length > 0 ? bind : Cluster.SelfAddress.Host!, Cluster.SelfAddress.Host!, settings.ActivityLinkPort,
                ClusterTls.LinkCredentials(system.Settings.Config, source), LinkLimits.Default));
        }
        system.ActorOf(GroupHost.Props(ActorEngine.GroupDispatcher, new ActivityLinkTransport(links)), GroupHost.Name);
        var description = new HostDescription(Name, frame, EngineMessageSerializer.ProtocolVersion, Environment.ProcessorCount);
        system.ActorOf(Props.Create(() => new NodeInfoActor(description, links, $"{Cluster.SelfAddress.Host}:{settings.ActivityLinkPort}", source)), InfoName);
    }

    public ActorSystem System { get; }
    public Akka.Cluster.Cluster Cluster { get; }
    public ClusterSettings Settings { get; }
    public string Name { get; }

    /// <summary>The file the node was configured from, for messages.</summary>
    public string Source { get; }

    /// <param name="setup">More setup for the actor system; with eqprop.tls on, the TLS transport's is added here.</param>
    public static ClusterNode Start(Config config, string source, Setup? setup = null)
    {
        var settings = ClusterSettings.FromConfig(config, source);
        if (ListenPortCheck.IsInUse(config, out string busyHost, out int busyPort))
            throw new ConfigurationException(PortInUse(busyHost, busyPort, source));
        var tls = ClusterTls.CreateSetup(config, source, out string? tlsWarning);
        ActorSystem system;
        try
        {
            var systemSetup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
            foreach (var extra in new[] { setup, tls })
                if (extra is not null)
                    systemSetup = systemSetup.And(extra);
            system = ActorSystem.Create(ClusterNodeConfig.SystemName, systemSetup);
        }
        catch (Exception e)
        {
            throw Explain(e, config, source);
        }
        if (tlsWarning is not null)
            system.Log.Warning("{0}", tlsWarning);
        return new ClusterNode(system, settings, source);
    }

    /// <summary>Blocks until this node is Up in the cluster; a clear error when no seed node lets it in.</summary>
    public void WaitUntilUp(TimeSpan timeout) => WaitUntilUp(timeout, CancellationToken.None);

    /// <summary>As <see cref="WaitUntilUp(TimeSpan)"/>, but gives up at once when <paramref name="cancellation"/> fires
    /// (Ctrl+C or SIGTERM on a worker waiting to join): a stop request must not wait for join-timeout.</summary>
    /// <returns>True when Up; false when cancelled first.</returns>
    public bool WaitUntilUp(TimeSpan timeout, CancellationToken cancellation)
    {
        var up = new TaskCompletionSource();
        Cluster.RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            if (up.Task.Wait(timeout, cancellation))
                return true;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return false;
        }
        var seeds = System.Settings.Config.GetStringList("akka.cluster.seed-nodes");
        throw new ConfigurationException($"node {Name} ({Cluster.SelfAddress}) could not join the cluster within {timeout.TotalSeconds:F0} s through the seed nodes " +
            $"[{string.Join(", ", seeds)}] of {Source}: is the first seed node running and reachable from here, with the same TLS settings?" +
            (TlsSettings.FromConfig(System.Settings.Config, Source).Enabled
                ? " With TLS, the certificates of both must be issued by the same CA (eqprop.tls.ca-certificate); a refused one is logged by the other side."
                : ""));
    }

    private static Exception Explain(Exception e, Config config, string source)
    {
        string host = config.GetString("akka.remote.dot-netty.tcp.hostname", "?");
        int port = config.GetInt("akka.remote.dot-netty.tcp.port", 0);
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || inner.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase))
                return new ConfigurationException(PortInUse(host, port, source));
            if (inner is SocketException { SocketErrorCode: SocketError.AddressNotAvailable })
                return new ConfigurationException($"cannot listen on {host}:{port} (akka.remote.dot-netty.tcp.hostname in {source}): this machine has no such address");
        }
        return new ConfigurationException($"the cluster node configured by {source} did not start: {e.GetBaseException().Message}");
    }

    private static string PortInUse(string host, int port, string source) =>
        $"port {port} on {host} is in use (akka.remote.dot-netty.tcp.port, from {source} or --port): " +
        "stop the process that holds it or choose another port (0 picks a free one)";

    public void Dispose()
    {
        // Leave gracefully (coordinated shutdown), so the others see this node go rather than fail. A worker first
        // stops a study run it hosts (up to 30 s, cluster-defaults.conf), then leaves.
        CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).Wait(TimeSpan.FromSeconds(50));
        System.WhenTerminated.Wait(TimeSpan.FromSeconds(10));
    }

    private sealed class NodeInfoActor : ReceiveActor
    {
        public NodeInfoActor(HostDescription description, ActivityLinks links, string linkAddress, string source)
        {
            Receive<DescribeHost>(_ => Sender.Tell(description));
            Receive<OpenLinks>(open =>
            {
                try
                {
                    Sender.Tell(new LinksOpened(links.Open(open.Key), ""));
                }
                catch (SocketException e)
                {
                    Sender.Tell(new LinksOpened("", $"node {description.NodeName} could not open its activity link server on {linkAddress} ({e.Message}): " +
                        $"choose another eqprop.cluster.activity-link-port in {source} (0: any free one), or stop what uses it"));
                }
            });
        }
    }
}
