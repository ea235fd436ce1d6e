using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Links;
using EqPropActors.Cluster.Serialization;
using EqPropActors.Cluster.Tests.TestSupport;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// Step messages between workers take the activity links; everything else keeps to Akka.Remote. The links serve
/// only this build's peers and only group actors, and a run gives the same weights with them as without.
/// </summary>
public sealed class ActivityLinkTests
{
    private static readonly TrainingRun Run = new([30, 40, 10], groupsPerHiddenLayer: 1, rows: 6, batches: 4);

    [Fact]
    public void WorkersOfferLinksAndARunWithThemEqualsOneWithout()
    {
        var (expected, _) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var linked = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, new ScheduleSettings(DelegateDrive: false));
        var links = ActivityLinks.For(cluster.Coordinator.System);
        var workers = cluster.Coordinator.Cluster.State.Members.Where(m => m.HasRole("worker")).Select(m => m.Address).ToArray();
        Assert.Equal(2, workers.Length);
        Assert.All(workers, worker => Assert.StartsWith("127.0.0.1:", links.EndpointOf(worker)));
        var (withLinks, _) = Run.Train(linked);
        linked.Dispose();

        using var unlinked = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, new ScheduleSettings(DelegateDrive: false),
            settings: cluster.Coordinator.Settings with { ActivityLinks = false });
        Assert.All(workers, worker => Assert.Equal("", links.EndpointOf(worker)));
        var (withoutLinks, _) = Run.Train(unlinked);

        Assert.True(expected.BitwiseEquals(withLinks, out string? difference), $"with links: first difference at {difference}");
        Assert.True(expected.BitwiseEquals(withoutLinks, out difference), $"without links: first difference at {difference}");
    }

    [Fact]
    public void AConnectionWithoutThisBuildsGreetingIsClosed()
    {
        using var cluster = LoopbackCluster.Start(workers: 0);
        using var socket = Connect(ActivityLinks.For(cluster.Coordinator.System).Endpoint);
        socket.Send(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"));
        Assert.True(IsClosedByPeer(socket), "the link server kept a connection that did not greet it");
    }

    [Fact]
    public void AFrameForAnythingButAGroupActorIsRefused()
    {
        using var cluster = LoopbackCluster.Start(workers: 0);
        using var socket = Connect(ActivityLinks.For(cluster.Coordinator.System).Endpoint);
        socket.Send(Greeting());
        var path = Encoding.UTF8.GetBytes($"{cluster.Coordinator.Cluster.SelfAddress}{ClusterNode.InfoPath}"); // a real local actor, but not a group
        // A well-formed activity, so that only the target can be what is refused.
        var payload = new EngineMessageSerializer((Akka.Actor.ExtendedActorSystem)cluster.Coordinator.System)
            .ToBinary(new Activity(1, 0, 0, 0, new float[16], 16));
        var frame = new byte[8 + path.Length + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, path.Length);
        path.CopyTo(frame, 4);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4 + path.Length), payload.Length);
        payload.CopyTo(frame, 8 + path.Length);
        socket.Send(frame);
        Assert.True(IsClosedByPeer(socket), "the link server delivered to an actor that is not a group");
    }

    [Fact]
    public void LinksAreOffWhenTurnedOff()
    {
        using var cluster = LoopbackCluster.Start(workers: 0, coordinatorExtra: "eqprop.cluster.activity-links = off");
        Assert.Equal("", ActivityLinks.For(cluster.Coordinator.System).Endpoint);
    }

    private static byte[] Greeting()
    {
        var greeting = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(greeting, 0x4B4C5145);
        BinaryPrimitives.WriteInt32LittleEndian(greeting.AsSpan(4), EngineMessageSerializer.ProtocolVersion);
        return greeting;
    }

    private static Socket Connect(string endpoint)
    {
        Assert.NotEqual("", endpoint);
        int colon = endpoint.LastIndexOf(':');
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000 };
        socket.Connect(endpoint[..colon], int.Parse(endpoint[(colon + 1)..]));
        return socket;
    }

    /// <summary>The server never writes, so a read returns 0 exactly when it has closed the connection.</summary>
    private static bool IsClosedByPeer(Socket socket)
    {
        try
        {
            return socket.Receive(new byte[1]) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }
}
