using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Event;
using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// A TLS coordinator in this process, real worker processes (eqprop node): one with a certificate from our CA gets
/// in, one with a certificate from another CA does not, even though it trusts our CA and so accepts the coordinator.
/// </summary>
public sealed class TlsClusterTests : IDisposable
{
    private static readonly string Eqprop = typeof(EqPropActors.Cli.Program).Assembly.Location;
    private static readonly TimeSpan RogueWait = TimeSpan.FromSeconds(20);

    private readonly TlsTestCertificates _certs = new();

    [Fact]
    public void WorkerWithOurCertificate_Joins_WorkerWithAnotherCasCertificate_DoesNot()
    {
        int port = LocalWorkers.FreePort();
        string seed = $"127.0.0.1:{port}";
        var coordinatorConfig = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}} }
            eqprop.cluster { expected-workers = 1, node-name = coordinator }
            {{TlsTestCertificates.Section(_certs.Coordinator, _certs.Ca)}}
            """);
        var config = ClusterNodeConfig.Compose(coordinatorConfig, "the test's coordinator", NodeRole.Coordinator, seedNodes: [seed]);
        Assert.Equal($"akka.ssl.tcp://eqprop@{seed}", Assert.Single(config.GetStringList("akka.cluster.seed-nodes")));

        LocalWorkers? good = null, rogue = null;
        try
        {
            using var node = ClusterNode.Start(config, "the test's coordinator");
            var errors = CollectErrors(node.System);
            node.WaitUntilUp(TimeSpan.FromSeconds(20));
            Assert.Equal("akka.ssl.tcp", node.Cluster.SelfAddress.Protocol);
            Assert.Equal("", Links.ActivityLinks.For(node.System).Endpoint); // the coordinator hosts no groups: no link server

            good = new LocalWorkers(Eqprop, WorkerConfig(_certs.Worker, _certs.Ca), seed, 1, TimeSpan.FromSeconds(40));
            var goodAddress = WaitForWorker(node, TimeSpan.FromSeconds(10), good);

            // The rogue trusts our CA (it is public), but its own certificate was issued by another one.
            rogue = new LocalWorkers(Eqprop, WorkerConfig(_certs.Rogue, _certs.Ca), seed, 0, TimeSpan.Zero);
            var rogueProcess = rogue.StartWithoutWaiting(Eqprop, seed);
            var started = Stopwatch.StartNew();
            while (started.Elapsed < RogueWait)
            {
                Assert.True(WorkerMembers(node).All(m => m.Address == goodAddress), $"a second worker got in: {Describe(node)}\n{rogue.Output}");
                Thread.Sleep(500);
            }

            Assert.False(rogueProcess.HasExited, $"the rogue worker ended before it could be refused:\n{rogue.Output}");
            var member = Assert.Single(WorkerMembers(node));
            Assert.Equal(goodAddress, member.Address);
            Assert.Equal(MemberStatus.Up, member.Status);
            Assert.Contains(errors, e => e.Contains("TLS: refused", StringComparison.Ordinal) && e.Contains("CN=rogue", StringComparison.Ordinal));
            Assert.Contains("The other nodes will refuse this one", rogue.Output);
            Assert.DoesNotContain(" up at ", rogue.Output);
        }
        finally
        {
            // After the coordinator has left (above), so that it leaves a healthy cluster.
            rogue?.Dispose();
            good?.Dispose();
        }
    }

    /// <summary>
    /// Two TLS workers: the groups' messages take the links, over TLS with the cluster's certificates (a plain
    /// connection to a link gets nothing and is closed), and the run gives the batch engine's weights.
    /// </summary>
    [Fact]
    public void ATlsClusterUsesTlsLinksAndGivesTheBatchEnginesWeights()
    {
        var run = new TestSupport.TrainingRun([30, 40, 10], groupsPerHiddenLayer: 1, rows: 6, batches: 3);
        var (expected, _) = run.TrainOnBatchEngine();
        int port = LocalWorkers.FreePort();
        string seed = $"127.0.0.1:{port}";
        var coordinatorConfig = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}} }
            eqprop.cluster { expected-workers = 2, node-name = coordinator }
            {{TlsTestCertificates.Section(_certs.Coordinator, _certs.Ca)}}
            """);
        using var node = ClusterNode.Start(ClusterNodeConfig.Compose(coordinatorConfig, "the test's coordinator", NodeRole.Coordinator, seedNodes: [seed]),
            "the test's coordinator");
        node.WaitUntilUp(TimeSpan.FromSeconds(20));
        using var workers = new LocalWorkers(Eqprop, WorkerConfig(_certs.Worker, _certs.Ca), seed, 2, TimeSpan.FromSeconds(40));
        using var engine = new ClusterEngine(node, run.Network, run.Rows, run.LearningRates, new Actors.Schedules.ScheduleSettings(DelegateDrive: false));
        var links = Links.ActivityLinks.For(node.System);
        var endpoints = WorkerMembers(node).Select(m => links.EndpointOf(m.Address)).ToArray();
        Assert.Equal(2, endpoints.Length);
        Assert.All(endpoints, endpoint => Assert.StartsWith("127.0.0.1:", endpoint));

        using (var plain = TestSupport.LinkPeer.Connect(endpoints[0], receiveTimeoutMs: 10_000))
        {
            plain.Send(TestSupport.LinkPeer.OldGreeting());
            Assert.True(TestSupport.LinkPeer.IsClosedByPeer(plain), "a TLS link server answered a plain connection");
        }
        var (weights, _) = run.Train(engine);
        Assert.True(expected.BitwiseEquals(weights, out string? difference), $"first difference at {difference}");
    }

    private static string WorkerConfig(string certificate, string ca) =>
        LocalWorkers.LoopbackWorkerConfig + "\n" + TlsTestCertificates.Section(certificate, ca);

    private static IEnumerable<Member> WorkerMembers(ClusterNode node) => node.Cluster.State.Members.Where(m => m.HasRole("worker"));

    private static string Describe(ClusterNode node) => string.Join(", ", node.Cluster.State.Members.Select(m => $"{m.Address} {m.Status}"));

    private static Address WaitForWorker(ClusterNode node, TimeSpan timeout, LocalWorkers workers)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (WorkerMembers(node).SingleOrDefault(m => m.Status == MemberStatus.Up) is { } up)
                return up.Address;
            Thread.Sleep(100);
        }
        throw new TimeoutException($"the coordinator does not see the worker Up: {Describe(node)}\n{workers.Output}");
    }

    private static ConcurrentQueue<string> CollectErrors(ActorSystem system)
    {
        var lines = new ConcurrentQueue<string>();
        var collector = system.ActorOf(Props.Create(() => new ErrorCollector(lines)));
        system.EventStream.Subscribe(collector, typeof(Error));
        return lines;
    }

    private sealed class ErrorCollector : ReceiveActor
    {
        public ErrorCollector(ConcurrentQueue<string> lines) => Receive<Error>(e => lines.Enqueue(e.ToString()));
    }

    public void Dispose() => _certs.Dispose();
}
