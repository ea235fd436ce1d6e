using System.Collections.Concurrent;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using EqPropActors.Actors.Groups;
using EqPropActors.Actors.Messages;
using EqPropActors.Cluster.Links;
using EqPropActors.Cluster.Serialization;
using EqPropActors.Cluster.Tests.TestSupport;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// A link server in this process, with a run key the test holds, so that it can play a member gone wrong: frames
/// that do not fit are dropped and the link goes on; no payload is buffered beyond the run's largest message or
/// before its bytes arrive.
/// </summary>
public sealed class ActivityLinkServerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("links", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));
    private readonly ConcurrentQueue<object> _received = new();
    private readonly RunLinkKey _key = RunLinkKey.Create(maxPayloadBytes: 256 << 20);
    private readonly ActivityLinks _links;
    private readonly string _endpoint;
    private readonly EngineMessageSerializer _serializer;

    public ActivityLinkServerTests()
    {
        var host = _system.ActorOf(Props.Create(() => new Recorder(_received, true)), GroupHost.Name);
        _links = ActivityLinks.For(_system);
        _links.Enable(new LinkServerSettings("127.0.0.1", "127.0.0.1", 0, null, LinkLimits.Default));
        _endpoint = _links.Open(_key);
        _serializer = new EngineMessageSerializer((ExtendedActorSystem)_system);
        Assert.Equal(_endpoint, _links.Endpoint);
        // The host creates the group in its constructor, which runs after ActorOf returns: frames sent before the group
        // exists would find nobody (once seen on a loaded machine), so wait for it.
        Assert.True(SpinWait.SpinUntil(GroupExists, TimeSpan.FromSeconds(10)), $"{GroupPath} was not created");
    }

    private bool GroupExists()
    {
        try
        {
            _system.ActorSelection(GroupPath).ResolveOne(TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
            return true;
        }
        catch (ActorNotFoundException)
        {
            return false; // not yet: resolving answers at once
        }
    }

    private string GroupPath => $"akka://links{GroupHost.Path}/g";

    [Fact]
    public void FramesThatDoNotFitAreDroppedAndTheLinkGoesOn()
    {
        using var socket = LinkPeer.Connect(_endpoint);
        Assert.True(LinkPeer.Authenticate(socket, _key));
        var activity = _serializer.ToBinary(new Activity(3, 7, 0, 1, new float[16], 16));
        socket.Send(LinkPeer.Frame(GroupPath, "act", activity));
        socket.Send(LinkPeer.Frame($"akka://links{GroupHost.Path}", "act", activity));                         // not a group
        socket.Send(LinkPeer.Frame(GroupPath, "runstop", _serializer.ToBinary(new Runs.StopEqpropRun(1)))); // not a group-to-group message
        socket.Send(LinkPeer.Frame(GroupPath, "act", activity[..^3]));                         // does not decode
        socket.Send(LinkPeer.Frame(GroupPath, "rest", _serializer.ToBinary(new Resting(3, 7, 0, 2, 41))));
        Assert.True(SpinWait.SpinUntil(() => _received.Count >= 2, TimeSpan.FromSeconds(10)), "the valid frames did not arrive");
        Thread.Sleep(200);
        Assert.Collection(_received,
            m => Assert.Equal((3, 7L, 1), (Assert.IsType<Activity>(m).Source, ((Activity)m).Minibatch, ((Activity)m).Step)),
            m => Assert.Equal(new Resting(3, 7, 0, 2, 41), m));
        Assert.Equal(3, _links.Server!.DroppedFrames);
    }

    [Fact]
    public void DeclaredPayloadsReserveNoMemoryAndOversizedOnesCloseTheLink()
    {
        var sockets = new List<Socket>();
        try
        {
            long before = GC.GetTotalMemory(forceFullCollection: true);
            for (int i = 0; i < 30; i++)
            {
                var socket = LinkPeer.Connect(_endpoint);
                sockets.Add(socket);
                Assert.True(LinkPeer.Authenticate(socket, _key));
                // 200 MiB declared (within this run's largest message), 1 kB sent.
                socket.Send([.. LinkPeer.FrameHeader(GroupPath, "act", 200 << 20), .. new byte[1024]]);
            }
            Thread.Sleep(500);
            long held = GC.GetTotalMemory(forceFullCollection: true) - before;
            // One buffer reserved for a declaration would hold 200 MiB. The bound is well below that but far above
            // what the 30 kB received need, because the heap is the process's and other test classes run meanwhile
            // (a CI run once measured 18 MiB here).
            Assert.True(held < 64 << 20, $"30 declared payloads of 200 MiB hold {held >> 20} MiB");

            using var oversized = LinkPeer.Connect(_endpoint);
            Assert.True(LinkPeer.Authenticate(oversized, _key));
            oversized.Send(LinkPeer.FrameHeader(GroupPath, "act", (256 << 20) + 1));
            Assert.True(LinkPeer.IsClosedByPeer(oversized), "a payload above the run's largest message was accepted");
        }
        finally
        {
            foreach (var socket in sockets)
                socket.Dispose();
        }
    }

    [Fact]
    public void IdleConnectionsAreClosedAfterTheHandshakeTimeoutAndCannotLockMembersOut()
    {
        var idle = Enumerable.Range(0, LinkLimits.Default.MaxPendingHandshakes + 40).Select(_ => LinkPeer.Connect(_endpoint)).ToList();
        try
        {
            using var member = LinkPeer.Connect(_endpoint);
            Assert.True(LinkPeer.Authenticate(member, _key), "a member was locked out by idle connections");
            // The oldest idle ones were closed to make room; the rest go when the handshake time is up.
            Assert.True(LinkPeer.IsClosedByPeer(idle[0]));
            Assert.True(LinkPeer.IsClosedByPeer(idle[^1]));
        }
        finally
        {
            foreach (var socket in idle)
                socket.Dispose();
        }
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    /// <summary>The group host, with one child group "g" that records what reaches it.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(ConcurrentQueue<object> received, bool isHost)
        {
            if (isHost)
                Context.ActorOf(Props.Create(() => new Recorder(received, false)), "g");
            ReceiveAny(received.Enqueue);
        }
    }
}
