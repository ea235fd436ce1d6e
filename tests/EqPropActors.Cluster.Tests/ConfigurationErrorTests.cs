using Akka.Actor;
using System.Net;
using System.Net.Sockets;
using Akka.Configuration;
using EqPropActors.Actors.Coordination;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Tests.TestSupport;
using EqPropActors.Core.Network;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Tests;

/// <summary>Bad cluster configuration ends with a message that names the file, the setting and what was expected.</summary>
public sealed class ConfigurationErrorTests
{
    private static Config Parse(string hocon) => ConfigurationFactory.ParseString(hocon);

    [Fact]
    public void AMissingFileIsNamed()
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Load("no/such/cluster.conf", NodeRole.Worker));
        Assert.Contains("no/such/cluster.conf", error.Message);
    }

    [Fact]
    public void AMisspelledEqpropSettingIsRefused()
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Compose(Parse("eqprop.cluster.expected-worker = 3"), "my.conf", NodeRole.Coordinator));
        Assert.Contains("eqprop.cluster.expected-worker", error.Message);
        Assert.Contains("expected-workers", error.Message); // the known settings are listed
    }

    [Fact]
    public void AnUnknownRoleIsRefused()
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Compose(Parse("akka.cluster.roles = [trainer]"), "my.conf", NodeRole.Worker));
        Assert.Contains("unknown role 'trainer'", error.Message);
        Assert.Contains("my.conf", error.Message);
    }

    [Theory]
    [InlineData("eqprop.cluster.placement = random", "placement is 'random'")]
    [InlineData("eqprop.cluster.expected-workers = -1", "expected-workers")]
    [InlineData("eqprop.cluster.join-timeout = 0s", "join-timeout")]
    [InlineData("eqprop.cluster.snapshot-every = 0", "snapshot-every")]
    public void BadEqpropSettingsAreNamed(string hocon, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Compose(Parse(hocon), "my.conf", NodeRole.Coordinator));
        Assert.Contains(expected, error.Message);
        Assert.Contains("my.conf", error.Message);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("host:notaport")]
    [InlineData("host:70000")]
    public void ASeedNodeThatIsNotHostAndPortIsRefused(string seed)
    {
        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Compose(Parse(""), "cli", NodeRole.Worker, seedNodes: [seed]));
        Assert.Contains(seed, error.Message);
    }

    [Fact]
    public void APortInUseIsNamed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var config = ClusterNodeConfig.Compose(Parse(""), "my.conf", NodeRole.Worker, port: port);
        var error = Assert.Throws<ConfigurationException>(() => ClusterNode.Start(config, "my.conf").Dispose());
        Assert.Contains($"port {port}", error.Message);
        Assert.Contains("in use", error.Message);
    }

    [Fact]
    public async Task AnActivityLinkPortInUseIsNamed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var config = ClusterNodeConfig.Compose(Parse($"eqprop.cluster.activity-link-port = {port}"), "my.conf", NodeRole.Worker, port: 0);
        // The link server opens when a run places groups on the node: the coordinator's request gets the error.
        using var node = ClusterNode.Start(config, "my.conf");
        var opened = await node.System.ActorSelection(ClusterNode.InfoPath)
            .Ask<Messages.LinksOpened>(new Messages.OpenLinks(Links.RunLinkKey.Create(1024)), TimeSpan.FromSeconds(10));
        Assert.Equal("", opened.Endpoint);
        Assert.Contains("my.conf", opened.Failure);
        Assert.Contains($"127.0.0.1:{port}", opened.Failure);
        Assert.Contains("eqprop.cluster.activity-link-port", opened.Failure);
    }

    [Fact]
    public void AnUnreachableSeedNodeIsNamedAfterTheJoinTimeout()
    {
        int closed = LocalWorkers.FreePort(); // nothing listens there
        var config = ClusterNodeConfig.Compose(Parse(""), "my.conf", NodeRole.Worker, port: 0, seedNodes: [$"127.0.0.1:{closed}"]);
        using var node = ClusterNode.Start(config, "my.conf");
        var error = Assert.Throws<ConfigurationException>(() => node.WaitUntilUp(TimeSpan.FromSeconds(3)));
        Assert.Contains($"127.0.0.1:{closed}", error.Message);
        Assert.Contains("could not join", error.Message);
    }

    [Fact]
    public void MissingWorkersAreReportedAfterTheJoinTimeout()
    {
        using var cluster = LoopbackCluster.Start(workers: 0, coordinatorExtra: "eqprop.cluster.join-timeout = 2s");
        var settings = cluster.Coordinator.Settings with { ExpectedWorkers = 2 };
        var error = Assert.Throws<EngineFailureException>(() =>
            new ClusterEngine(cluster.Coordinator, new NetworkSpec([4, 3, 2]), 2, [0.1f, 0.1f], settings: settings).Dispose());
        Assert.Contains("waited 2 s for 2 worker(s)", error.Message);
        Assert.Contains("eqprop node", error.Message);
    }

    [Fact]
    public void ExplicitPlacementOfAnUnknownGroupIsRefused()
    {
        using var cluster = LoopbackCluster.Start(workers: 0);
        var settings = cluster.Coordinator.Settings with
        {
            Placement = PlacementKind.Explicit,
            ExplicitPlacement = new Dictionary<string, string> { ["L7G0"] = "coordinator" },
        };
        var error = Assert.Throws<ConfigurationException>(() =>
            new ClusterEngine(cluster.Coordinator, new NetworkSpec([4, 3, 2]), 2, [0.1f, 0.1f], settings: settings).Dispose());
        Assert.Contains("L7G0", error.Message);
        Assert.Contains("L1G0", error.Message);
    }

    [Fact]
    public void AWorkerWhoseFrameIsTooSmallForTheRunIsNamed()
    {
        using var cluster = LoopbackCluster.Start(workers: 1,
            workerConfig: LocalWorkers.LoopbackWorkerConfig + "\nakka.remote.dot-netty.tcp.maximum-frame-size = 256000b");
        var error = Assert.Throws<ConfigurationException>(() =>
            new ClusterEngine(cluster.Coordinator, new NetworkSpec([784, 500, 10]), 100, [0.1f, 0.1f]).Dispose());
        Assert.Contains("accepts frames of at most 256000 bytes", error.Message);
        Assert.Contains("maximum-frame-size", error.Message);
    }

    [Fact]
    public void AWorkerOfAnotherBuildIsRefused()
    {
        using var cluster = LoopbackCluster.Start(workers: 0);
        // A member that says it is a worker speaking another wire protocol (another EqPropActors build).
        var config = ClusterNodeConfig.Compose(Parse(""), "stranger", NodeRole.Worker, port: 0, seedNodes: [cluster.SeedNode]);
        using var stranger = Akka.Actor.ActorSystem.Create(ClusterNodeConfig.SystemName, config);
        stranger.ActorOf(Akka.Actor.Props.Create(() => new FixedAnswer(new Messages.HostDescription("stranger", 64 << 20, 999, 2))), ClusterNode.InfoName);
        var up = new ManualResetEventSlim();
        Akka.Cluster.Cluster.Get(stranger).RegisterOnMemberUp(up.Set);
        Assert.True(up.Wait(TimeSpan.FromSeconds(20)), "the stranger did not join");

        var settings = cluster.Coordinator.Settings with { ExpectedWorkers = 1 };
        var error = Assert.Throws<ConfigurationException>(() =>
            new ClusterEngine(cluster.Coordinator, new NetworkSpec([4, 3, 2]), 2, [0.1f, 0.1f], settings: settings).Dispose());
        Assert.Contains("worker stranger speaks wire protocol 999", error.Message);
        Assert.Contains("same EqPropActors build", error.Message);
        Akka.Cluster.Cluster.Get(stranger).Leave(Akka.Cluster.Cluster.Get(stranger).SelfAddress);
    }

    private sealed class FixedAnswer : Akka.Actor.ReceiveActor
    {
        public FixedAnswer(object answer) => ReceiveAny(_ => Sender.Tell(answer, Self));
    }
}
