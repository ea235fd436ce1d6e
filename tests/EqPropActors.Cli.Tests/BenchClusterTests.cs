using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using EqPropActors.Cli.Bench;
using EqPropActors.Cli.Commands;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// <c>eqprop bench --engine cluster</c> ends without Akka's "Disassociated" error and its stack trace: the
/// coordinator (the bench process) logs no warning or error while its workers are stopped; with <c>--tls</c> too,
/// where the cluster (seed address included) must be set up for TLS for the measurement to run at all.
/// </summary>
public sealed class BenchClusterTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StoppingTheBenchmarksClusterLogsNoWarningOrErrorOnTheCoordinator(bool tls)
    {
        var logged = new ConcurrentQueue<string>();
        var cluster = BenchCluster.Start(tls);
        try
        {
            var listener = cluster.Node.System.ActorOf(Props.Create(() => new LogCollector(logged)));
            cluster.Node.System.EventStream.Subscribe(listener, typeof(Warning));
            cluster.Node.System.EventStream.Subscribe(listener, typeof(Error));
            // A short measurement, as the benchmark makes: groups on both workers, activity between them.
            BenchMeasurement.Measure(new NetworkSpec([20, 8, 4], groupsPerHiddenLayer: 2), 4, 2, rows: 5, LearningRule.Vf, seconds: 0.2,
                (network, rows) => cluster.Engine(network, rows, [0.1f, 0.05f]));
        }
        finally
        {
            cluster.Dispose();
        }
        // A worker's dropped connection is logged a moment after it exits: give it that moment.
        Thread.Sleep(TimeSpan.FromSeconds(1));

        // Heartbeats that came late say the machine was busy (a CI run once shared it with a study), not that stopping
        // went wrong; anything else the coordinator logs is what the test is about.
        var aboutStopping = logged.Where(line => !IsLateHeartbeat(line)).ToArray();
        Assert.True(aboutStopping.Length == 0, "the coordinator logged while the cluster stopped:\n" + string.Join("\n", aboutStopping));
    }

    private static bool IsLateHeartbeat(string line) =>
        line.Contains("Scheduled sending of heartbeat was delayed", StringComparison.Ordinal)
        || line.Contains("heartbeat interval is growing too large", StringComparison.Ordinal);

    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(ConcurrentQueue<string> logged) => Receive<LogEvent>(e => logged.Enqueue($"{e.LogLevel()} {e.LogSource}: {e.Message}"));
    }
}
