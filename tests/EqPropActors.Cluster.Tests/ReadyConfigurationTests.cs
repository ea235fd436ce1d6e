using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cluster.Tests;

/// <summary>The ready files in cluster-config/ load as the README says: ports, seed nodes and roles.</summary>
public sealed class ReadyConfigurationTests
{
    private static string ConfigFolder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "EqPropActors.sln")))
                    return Path.Combine(dir.FullName, "cluster-config");
            throw new DirectoryNotFoundException("the repository root (EqPropActors.sln) is not above the test binaries");
        }
    }

    [Theory]
    [InlineData("local-coordinator.conf", NodeRole.Coordinator, 4053, "akka.tcp://eqprop@127.0.0.1:4053", 2)]
    [InlineData("local-worker.conf", NodeRole.Worker, 0, "akka.tcp://eqprop@127.0.0.1:4053", 2)]
    [InlineData("multi-coordinator.conf", NodeRole.Coordinator, 4053, "akka.tcp://eqprop@coordinator.example.org:4053", 2)]
    [InlineData("multi-worker.conf", NodeRole.Worker, 4054, null, 2)]
    public void ReadyFilesLoad(string file, NodeRole role, int port, string? seed, int expectedWorkers)
    {
        var config = ClusterNodeConfig.Load(Path.Combine(ConfigFolder, file), role);
        Assert.Equal(port, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(role == NodeRole.Coordinator ? "coordinator" : "worker", Assert.Single(config.GetStringList("akka.cluster.roles")));
        if (seed is not null)
            Assert.Equal(seed, Assert.Single(config.GetStringList("akka.cluster.seed-nodes")));
        Assert.Equal(expectedWorkers, ClusterSettings.FromConfig(config, file).ExpectedWorkers);
        Assert.Equal("eqprop", config.GetString("akka.actor.serialization-bindings.\"System.Object\""));
    }

    [Fact]
    public void TheWorkerCommandLineOverridesTheFile()
    {
        var config = ClusterNodeConfig.Load(Path.Combine(ConfigFolder, "multi-worker.conf"), NodeRole.Worker, port: 5000, seedNodes: ["coordinator.example.org:4053"]);
        Assert.Equal(5000, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("akka.tcp://eqprop@coordinator.example.org:4053", Assert.Single(config.GetStringList("akka.cluster.seed-nodes")));
    }
}
