using System.Net.Sockets;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster.Links;
using EqPropActors.Cluster.Serialization;
using EqPropActors.Cluster.Tests.TestSupport;
using Xunit.Abstractions;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// Messages between groups on different workers take the activity links; everything else keeps to Akka.Remote.
/// Only members of the run can use a link, and nobody else can change a run's result or make a worker hoard
/// threads or memory through one.
/// </summary>
public sealed class ActivityLinkTests(ITestOutputHelper output)
{
    private static readonly TrainingRun Run = new([30, 40, 10], groupsPerHiddenLayer: 1, rows: 6, batches: 4);

    [Fact]
    public void WorkersOpenLinksForARunAndARunWithThemEqualsOneWithout()
    {
        var (expected, _) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var linked = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, new ScheduleSettings(DelegateDrive: false));
        var links = ActivityLinks.For(cluster.Coordinator.System);
        var workers = WorkerAddresses(cluster);
        Assert.Equal(2, workers.Length);
        Assert.All(workers, worker => Assert.StartsWith("127.0.0.1:", links.EndpointOf(worker)));
        Assert.Equal("", links.Endpoint); // the coordinator hosts no groups, so it opens no link server
        var (withLinks, _) = Run.Train(linked);
        linked.Dispose();

        using var unlinked = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, new ScheduleSettings(DelegateDrive: false),
            settings: cluster.Coordinator.Settings with { ActivityLinks = false });
        Assert.All(workers, worker => Assert.Equal("", links.EndpointOf(worker)));
        var (withoutLinks, _) = Run.Train(unlinked);

        Assert.True(expected.BitwiseEquals(withLinks, out string? difference), $"with links: first difference at {difference}");
        Assert.True(expected.BitwiseEquals(withoutLinks, out difference), $"without links: first difference at {difference}");
    }

    /// <summary>
    /// Between minibatches of a run: a connection with the old public greeting and a forged activity of minibatch 0
    /// (which used to stop a run), one that guesses a key, 1,000 idle connections and 30 that declare 64 MiB
    /// payloads. The run ends with the batch engine's weights, and the workers' threads and memory stay near where
    /// they were.
    /// </summary>
    [Fact]
    public void ForgedAndIdleConnectionsChangeNeitherTheRunNorTheWorkersResources()
    {
        var (expected, _) = Run.TrainOnBatchEngine();
        using var cluster = LoopbackCluster.Start(workers: 2);
        using var engine = new ClusterEngine(cluster.Coordinator, Run.Network, Run.Rows, Run.LearningRates, new ScheduleSettings(DelegateDrive: false));
        var links = ActivityLinks.For(cluster.Coordinator.System);
        var endpoints = WorkerAddresses(cluster).Select(links.EndpointOf).ToArray();
        var processes = cluster.Workers!.Processes;
        var held = new List<Socket>();
        (long Threads, long RssKb)[] before = [], during = [];
        try
        {
            var (weights, _) = Run.Train(engine, between: batch =>
            {
                if (batch != 0)
                    return;
                before = processes.Select(WorkerResources).ToArray();
                foreach (var endpoint in endpoints)
                {
                    Assert.True(ForgedGreetingIsClosed(endpoint, engine), $"{endpoint} kept a connection with the old greeting");
                    Assert.True(GuessedKeyIsClosed(endpoint), $"{endpoint} accepted a guessed key");
                }
                int idle = IdleConnectionsWeCanHold();
                for (int i = 0; i < idle; i++)
                    held.Add(LinkPeer.Connect(endpoints[i % endpoints.Length]));
                for (int i = 0; i < 30; i++)
                {
                    var socket = LinkPeer.Connect(endpoints[i % endpoints.Length]);
                    socket.Send([.. LinkPeer.OldGreeting(), .. LinkPeer.FrameHeader("/user/eqprop-host/x", "act", 64 << 20)]);
                    held.Add(socket);
                }
                Thread.Sleep(1000); // let the servers take them all in
                during = processes.Select(WorkerResources).ToArray();
            });
            Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
        }
        finally
        {
            foreach (var socket in held)
                socket.Dispose();
        }
        for (int w = 0; w < before.Length; w++)
        {
            output.WriteLine($"worker {w}: threads {before[w].Threads} → {during[w].Threads}, RSS {before[w].RssKb / 1024} MB → {during[w].RssKb / 1024} MB");
            Assert.True(during[w].Threads <= before[w].Threads + 8, $"worker {w}: {before[w].Threads} threads before, {during[w].Threads} with the connections held");
            Assert.True(during[w].RssKb <= before[w].RssKb + 48 * 1024, $"worker {w}: {before[w].RssKb} kB before, {during[w].RssKb} kB with the connections held");
        }
    }

    [Fact]
    public void TheAsyncScheduleFinishesOnTheClusterWithLinksAndWithout()
    {
        var run = new TrainingRun([30, 24, 24, 10], groupsPerHiddenLayer: 2, rows: 8, batches: 150);
        var schedule = new ScheduleSettings(ScheduleKind.Async, DelegateDrive: false);
        using var cluster = LoopbackCluster.Start(workers: 2);
        foreach (bool linksOn in new[] { true, false })
        {
            using var engine = new ClusterEngine(cluster.Coordinator, run.Network, run.Rows, run.LearningRates, schedule,
                settings: cluster.Coordinator.Settings with { ActivityLinks = linksOn });
            Assert.Equal(linksOn, WorkerAddresses(cluster).All(w => ActivityLinks.For(cluster.Coordinator.System).EndpointOf(w).Length > 0));
            var (weights, reports) = run.Train(engine);
            Assert.Equal(run.Batches.Length, reports.Count);
            Assert.All(weights.Tensors(), t => Assert.True(t.Values.All(float.IsFinite), $"{t.Name} is not finite"));
            Assert.False(run.Weights.BitwiseEquals(weights, out _), "the weights did not move");
        }
    }

    private static Akka.Actor.Address[] WorkerAddresses(LoopbackCluster cluster) =>
        cluster.Coordinator.Cluster.State.Members.Where(m => m.HasRole("worker")).Select(m => m.Address).ToArray();

    /// <summary>The attack that stopped a run before links were authenticated.</summary>
    private static bool ForgedGreetingIsClosed(string endpoint, ClusterEngine engine)
    {
        using var socket = LinkPeer.Connect(endpoint);
        string group = engine.Placement.Keys.First();
        var payload = new EngineMessageSerializer((ExtendedActorSystem)ActorSystem.Create("forger")).ToBinary(new Activity(1, 0, 0, 0, new float[64], 64));
        socket.Send([.. LinkPeer.OldGreeting(), .. new byte[LinkHandshake.ClientHelloBytes - 8], .. LinkPeer.Frame($"/user/eqprop-host/{group}", "act", payload)]);
        return LinkPeer.IsClosedByPeer(socket);
    }

    private static bool GuessedKeyIsClosed(string endpoint)
    {
        using var socket = LinkPeer.Connect(endpoint);
        return !LinkPeer.Authenticate(socket, RunLinkKey.Create(1 << 20)) && LinkPeer.IsClosedByPeer(socket);
    }

    /// <summary>1,000, unless this process may not open that many descriptors (then a few hundred below its limit).</summary>
    private static int IdleConnectionsWeCanHold()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        int limit = line is null ? 1024 : int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]);
        return Math.Min(1000, limit - 300);
    }

    private static (long Threads, long RssKb) WorkerResources(System.Diagnostics.Process process)
    {
        var status = File.ReadAllLines($"/proc/{process.Id}/status");
        long Field(string name) => long.Parse(status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0]);
        return (Field("Threads"), Field("VmRSS"));
    }
}
