using EqPropActors.Cluster.Hosting;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// <c>include "path"</c> in a node's file: absolute, or relative to the including file's folder. Before, any include
/// ended in "Object reference not set to an instance of an object"; a wrong one is now named with its file.
/// </summary>
public sealed class ClusterConfigIncludeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("eqprop-include-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string Shared() => Write("shared/seeds.conf", """
        akka.cluster.seed-nodes = ["akka.tcp://eqprop@127.0.0.1:4999"]
        eqprop.cluster.node-name = shared
        """);

    [Fact]
    public void AnAbsoluteIncludeIsRead()
    {
        string node = Write("node.conf", $"include \"{Shared()}\"\neqprop.cluster.node-name = mine\n");

        var config = ClusterNodeConfig.Load(node, NodeRole.Worker);

        Assert.Equal(["akka.tcp://eqprop@127.0.0.1:4999"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("mine", config.GetString("eqprop.cluster.node-name")); // the including file's own setting wins
    }

    [Fact]
    public void ARelativeIncludeStartsFromTheIncludingFilesFolder()
    {
        Shared();
        string node = Write("nodes/worker.conf", "include \"../shared/seeds.conf\"\n");

        var config = ClusterNodeConfig.Load(node, NodeRole.Worker); // the current folder is elsewhere

        Assert.Equal("shared", config.GetString("eqprop.cluster.node-name"));
    }

    [Fact]
    public void AMissingIncludedFileIsNamedWithTheFileThatIncludesIt()
    {
        string missing = Path.Combine(_folder, "nowhere.conf");
        string node = Write("node.conf", $"include \"{missing}\"\n");

        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Load(node, NodeRole.Worker));

        Assert.Contains(node, error.Message);
        Assert.Contains($"{missing} does not exist", error.Message);
    }

    [Fact]
    public void AnIncludeCycleIsNamed()
    {
        Write("a.conf", "include \"b.conf\"\n");
        string b = Write("b.conf", "include \"a.conf\"\n");

        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Load(b, NodeRole.Worker));

        Assert.Contains("includes itself", error.Message);
        Assert.Contains("a.conf", error.Message);
    }

    [Theory]
    [InlineData("file")]
    [InlineData("required")]
    public void AnIncludeFormAkkasParserCannotReadIsRefusedWithItsLine(string form)
    {
        string node = Write("node.conf", $"eqprop.cluster.node-name = x\ninclude {form}(\"{Shared()}\")\n");

        var error = Assert.Throws<ConfigurationException>(() => ClusterNodeConfig.Load(node, NodeRole.Worker));

        Assert.Contains("node.conf, line 2", error.Message);
        Assert.Contains($"include {form}(…)", error.Message);
        Assert.Contains("include \"path\"", error.Message);
    }
}
