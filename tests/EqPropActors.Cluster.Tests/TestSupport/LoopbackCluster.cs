using Akka.Configuration;
using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cluster.Tests.TestSupport;

/// <summary>
/// A real cluster on 127.0.0.1: a coordinator node in the test process and worker processes running the eqprop
/// CLI (eqprop node). Everything is stopped on dispose, whatever the test did.
/// </summary>
public sealed class LoopbackCluster : IDisposable
{
    private LoopbackCluster(ClusterNode coordinator, LocalWorkers? workers, int port)
    {
        Coordinator = coordinator;
        Workers = workers;
        Port = port;
    }

    public ClusterNode Coordinator { get; }
    public LocalWorkers? Workers { get; }
    public int Port { get; }
    public string SeedNode => $"127.0.0.1:{Port}";

    public static string EqpropAssembly => typeof(Cli.Program).Assembly.Location;

    /// <summary>Fast failure detection for tests: a killed worker is unreachable after about two seconds.</summary>
    private const string FastFailureDetection = """
        akka.cluster.failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 2s }
        eqprop.cluster { join-timeout = 40s, message-timeout = 30s }
        """;

    public static LoopbackCluster Start(int workers, string coordinatorExtra = "", string? workerConfig = null)
    {
        int port = LocalWorkers.FreePort();
        var file = ConfigurationFactory.ParseString(LocalWorkers.LoopbackCoordinatorConfig(port, workers) + "\n" + FastFailureDetection + "\n" + coordinatorExtra);
        var coordinator = ClusterNode.Start(ClusterNodeConfig.Compose(file, "test coordinator", NodeRole.Coordinator), "test coordinator");
        try
        {
            coordinator.WaitUntilUp(TimeSpan.FromSeconds(20));
            var started = workers == 0 ? null
                : new LocalWorkers(EqpropAssembly, (workerConfig ?? LocalWorkers.LoopbackWorkerConfig) + "\n" + FastFailureDetection, $"127.0.0.1:{port}", workers,
                    TimeSpan.FromSeconds(60));
            return new LoopbackCluster(coordinator, started, port);
        }
        catch
        {
            coordinator.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Coordinator.Dispose();
        }
        finally
        {
            Workers?.Dispose();
        }
    }
}
