using EqPropActors.Cluster;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Cli.Commands;

/// <summary>For <c>eqprop bench --engine cluster</c>: this process as the coordinator, two eqprop node processes as workers.</summary>
public sealed class BenchCluster : IDisposable
{
    private const int WorkerCount = 2;
    private readonly ClusterNode _node;
    private readonly LocalWorkers _workers;
    private readonly string? _certificates;

    private BenchCluster(ClusterNode node, LocalWorkers workers, string? certificates) => (_node, _workers, _certificates) = (node, workers, certificates);

    /// <param name="tls">Every connection over TLS (eqprop.tls), with throwaway certificates in a temporary folder.</param>
    public static BenchCluster Start(bool tls = false)
    {
        int port = LocalWorkers.FreePort();
        string? certificates = tls ? Directory.CreateTempSubdirectory("eqprop-bench-certs-").FullName : null;
        try
        {
            if (certificates is not null)
                TestCertificates.Generate(certificates, ["coordinator", "worker"], password: "");
            var config = ClusterNodeConfig.Compose(
                Akka.Configuration.ConfigurationFactory.ParseString(LocalWorkers.LoopbackCoordinatorConfig(port, WorkerCount) + "\n" + TlsSection(certificates, "coordinator")),
                "the benchmark's coordinator", NodeRole.Coordinator,
                // Passed as a seed (not left in the file) so that it gets the scheme of the transport: akka.ssl.tcp with TLS.
                seedNodes: [$"127.0.0.1:{port}"]);
            var node = ClusterNode.Start(config, "the benchmark's coordinator");
            try
            {
                node.WaitUntilUp(TimeSpan.FromSeconds(30));
                var workers = new LocalWorkers(typeof(BenchCluster).Assembly.Location, LocalWorkers.LoopbackWorkerConfig + "\n" + TlsSection(certificates, "worker"),
                    $"127.0.0.1:{port}", WorkerCount, TimeSpan.FromSeconds(60));
                return new BenchCluster(node, workers, certificates);
            }
            catch
            {
                node.Dispose();
                throw;
            }
        }
        catch
        {
            if (certificates is not null)
                Directory.Delete(certificates, recursive: true);
            throw;
        }
    }

    private static string TlsSection(string? certificates, string node) => certificates is null ? "" : $$"""
        eqprop.tls {
          enabled = on
          certificate = "{{Path.Combine(certificates, node + ".pfx")}}"
          ca-certificate = "{{Path.Combine(certificates, TestCertificates.CaFile)}}"
        }
        """;

    public IEngine Engine(NetworkSpec network, int rows, IReadOnlyList<float> learningRates) =>
        new ClusterEngine(_node, network, rows, learningRates);

    /// <summary>Every group on the first worker: activity stays inside one process and only the coordinator's
    /// messages cross the network — the measurement that separates the per-step exchange from the control traffic.</summary>
    public IEngine CoLocatedEngine(NetworkSpec network, int rows, IReadOnlyList<float> learningRates)
    {
        var state = _node.Cluster.State;
        var first = state.Members.Where(m => m.HasRole("worker")).Select(m => m.Address).OrderBy(a => a.Port).First();
        var settings = _node.Settings with
        {
            Placement = PlacementKind.Explicit,
            ExplicitPlacement = network.FreeGroups.ToDictionary(g => g.Name, _ => $"{first.Host}:{first.Port}"),
        };
        return new ClusterEngine(_node, network, rows, learningRates, settings: settings);
    }

    /// <summary>The coordinator (this process's cluster node).</summary>
    public ClusterNode Node => _node;

    /// <summary>
    /// The coordinator leaves and stops first, then the workers: a worker that stops while the coordinator still
    /// runs drops its connection under the coordinator, whose Akka.Remote then logs a "Disassociated" error with a
    /// stack trace on the user's console. Stopped this way round, that goes to the workers' logs, which nobody sees,
    /// and the workers, which would otherwise wait for the next coordinator, stop at once on Ctrl+C.
    /// </summary>
    public void Dispose()
    {
        _node.Dispose();
        _workers.Dispose();
        if (_certificates is not null)
            Directory.Delete(_certificates, recursive: true);
    }
}
