using System.Net;
using System.Net.Sockets;
using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// A coordinator whose port is taken stops with one message naming the port and the file, and nothing else: before,
/// Akka.Remote's "Failed to bind" error and its stack trace came first.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ClusterPortInUseTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void APortInUseIsReportedWithoutAStackTrace()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        string config = _directory.File("coordinator.conf");
        File.WriteAllText(config, LocalWorkers.LoopbackCoordinatorConfig(port, expectedWorkers: 1));

        var result = CliRunner.Run(CliRunner.Train("--engine", "cluster", "--cluster-config", config, "--out", _directory.File("run")));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"port {port} on 127.0.0.1 is in use", result.Flat);
        Assert.Contains(config, result.Flat);
        Assert.DoesNotContain("Failed to bind", result.Output);
        Assert.DoesNotContain("   at ", result.Output);
    }
}
