using System.Text.RegularExpressions;
using EqPropActors.Cli.Commands;
using EqPropActors.Cli.Studies.Running;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Runs;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests.Studies;

/// <summary>
/// <c>eqprop study --cluster-config</c> with real worker processes (eqprop node) on 127.0.0.1: the runs are executed
/// by the workers and end bit for bit as the same study run locally; a worker killed while training gives its run
/// back, and the other worker resumes it from its checkpoint to the same weights; a worker that does not see the
/// study folder is named, and gets no runs.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ClusterStudyTests : IDisposable
{
    private const string SmallStudy = """
        seeds = [1, 2]
        gradcheck = true
        gradcheck-repeats = 1
        [base]
        dataset = "synthetic"
        layers = "784,16,10"
        train-samples = 200
        epochs = 3
        [[condition]]
        name = "beta 0.5"
        [[condition]]
        name = "beta 1"
        beta = 1.0
        """;

    /// <summary>A run of a few seconds with a checkpoint every 20 minibatches, so that a kill lands mid-run after one;
    /// one run only, so that the second worker is free to take it over.</summary>
    private const string LongerStudy = """
        seeds = [1]
        [base]
        dataset = "synthetic"
        layers = "784,256,10"
        train-samples = 6000
        epochs = 4
        batch-size = 10
        checkpoint-every = 20
        [[condition]]
        name = "long"
        """;

    /// <summary>Quick failure detection, downing and join retries, so that the tests take seconds.</summary>
    private const string Fast = """
        akka.cluster.failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 2s }
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.cluster.seed-node-retry-interval = 1s
        akka.cluster.retry-unsuccessful-join-after = 1s
        akka.remote.retry-gate-closed-for = 1s
        """;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string EqpropAssembly => typeof(Program).Assembly.Location;

    private string WriteSpec(string text) => _directory.Write($"spec-{Guid.NewGuid():N}.toml", System.Text.Encoding.UTF8.GetBytes(text));

    private string CoordinatorConfig(int port, int expectedWorkers)
    {
        string path = _directory.File($"coordinator-{port}.conf");
        File.WriteAllText(path, LocalWorkers.LoopbackCoordinatorConfig(port, expectedWorkers) + "\n" + Fast + "\neqprop.cluster.join-timeout = 60s");
        return path;
    }

    /// <summary>Workers started before their coordinator (the study) exists: they keep trying to join.</summary>
    private static LocalWorkers StartWorkers(int port, int count) =>
        new(EqpropAssembly, LocalWorkers.LoopbackWorkerConfig + "\n" + Fast, $"127.0.0.1:{port}", count, TimeSpan.FromSeconds(60), waitUntilUp: false);

    [GeneratedRegex(@"^=== .*: eqprop (?<command>\S+) .*\(on node (?<node>\S+), process (?<process>\d+)\)$", RegexOptions.Multiline)]
    private static partial Regex ChildHeader();

    /// <summary>Every child a run's log records: the command, and the node and process that ran it.</summary>
    private static (string Command, string Node, int Process, string Line)[] ChildrenOf(string logFile) =>
        ChildHeader().Matches(File.ReadAllText(logFile))
            .Select(m => (m.Groups["command"].Value, m.Groups["node"].Value, int.Parse(m.Groups["process"].Value), m.Value))
            .ToArray();

    [Fact]
    public void AStudyOnTwoWorkers_RunsOnTheWorkers_AndEndsWithTheLocalStudysWeights()
    {
        string spec = WriteSpec(SmallStudy), reference = _directory.File("reference"), output = _directory.File("cluster");
        CliRunner.RunOk("study", spec, "--out", reference);
        int port = LocalWorkers.FreePort();
        using var workers = StartWorkers(port, 2);

        var result = CliRunner.Run("study", spec, "--out", output, "--cluster-config", CoordinatorConfig(port, expectedWorkers: 2));
        Assert.True(result.Thrown is null && result.ExitCode == 0, $"expected success\n{result}\nthe workers' output:\n{workers.Output}");

        var nodes = new HashSet<string>();
        foreach (var run in Directory.GetDirectories(Path.Combine(reference, "runs"), "seed-*", SearchOption.AllDirectories))
        {
            string twin = Path.Combine(output, Path.GetRelativePath(reference, run));
            AssertSameWeights(run, twin);
            Assert.True(File.Exists(Path.Combine(twin, RunDirectory.GradcheckFile)), $"no gradient check in {twin}");
            string log = Path.Combine(output, "logs", Path.GetRelativePath(Path.Combine(reference, "runs"), run) + ".log");
            var children = ChildrenOf(log);
            // Training and then the gradient check, both by the worker the run was given to.
            Assert.Equal(["train", "gradcheck"], children.Select(c => c.Command).ToArray());
            Assert.Single(children.Select(c => c.Process).Distinct());
            Assert.Contains(children[0].Process, workers.Processes.Select(p => p.Id));
            nodes.Add(children[0].Node);
        }
        Assert.Equal(2, nodes.Count); // both workers had runs
        Assert.False(File.Exists(Path.Combine(output, SharedFolderProbe.FileName)));
        Assert.Contains("4 to do", result.Flat);
        Assert.Contains("[4/4]", result.Flat);
    }

    [Fact]
    public async Task AKilledWorkersRun_IsResumedByTheOtherWorkerFromItsCheckpoint_AndEndsAsTheLocalRun()
    {
        string spec = WriteSpec(LongerStudy), reference = _directory.File("reference"), output = _directory.File("cluster");
        CliRunner.RunOk("study", spec, "--out", reference);
        int port = LocalWorkers.FreePort();
        using var workers = StartWorkers(port, 2);
        string log = Path.Combine(output, "logs", "long", "seed-1.log");

        // Kill the worker that trains seed 1 once its run has passed its first checkpoint (the end of epoch 1).
        string? killed = null;
        var killer = Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                if (File.Exists(log) && File.ReadAllText(log).Contains("epoch 2/4: 10%", StringComparison.Ordinal))
                {
                    var first = ChildrenOf(log)[0];
                    workers.Processes.Single(p => p.Id == first.Process).Kill();
                    killed = first.Node;
                    return;
                }
                await Task.Delay(50);
            }
        });
        var result = CliRunner.Run("study", spec, "--out", output, "--cluster-config", CoordinatorConfig(port, expectedWorkers: 2));
        await Task.WhenAny(killer, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(result.Thrown is null && result.ExitCode == 0, $"expected success\n{result}\nthe workers' output:\n{workers.Output}");
        Assert.True(killed is not null, $"seed 1 never reached epoch 2\n{result}");

        var children = ChildrenOf(log);
        Assert.True(children.Length == 2, $"expected a first attempt and a resumption in {log}:\n{File.ReadAllText(log)}");
        Assert.Equal(killed, children[0].Node);
        Assert.NotEqual(killed, children[1].Node);
        Assert.Contains("train --resume", children[1].Line);
        Assert.Contains("Resuming", File.ReadAllText(log));
        Assert.Contains($"worker {killed}", result.Flat);
        Assert.Contains("was lost", result.Flat);
        AssertSameWeights(Path.Combine(reference, "runs", "long", "seed-1"), Path.Combine(output, "runs", "long", "seed-1"));
    }

    [Fact]
    public void AWorkerThatDoesNotSeeTheStudyFolder_IsNamed_AndGetsNoRuns()
    {
        int port = LocalWorkers.FreePort();
        // A worker in this process whose view of the shared folder is empty, as on a machine without the mount.
        var config = ClusterNodeConfig.Compose(Akka.Configuration.ConfigurationFactory.ParseString(
            LocalWorkers.LoopbackWorkerConfig + "\n" + Fast + "\neqprop.cluster.node-name = blind-worker"), "blind worker", NodeRole.Worker, seedNodes: [$"127.0.0.1:{port}"]);
        using var blind = ClusterNode.Start(config, "blind worker");
        blind.System.ActorOf(StudyRunHost.Props(blind.Name, (_, _) => Task.FromResult(1), _ => { }, readFile: _ => null), StudyRunHost.Name);
        string output = _directory.File("cluster");

        var result = CliRunner.Run("study", WriteSpec(SmallStudy), "--out", output, "--cluster-config", CoordinatorConfig(port, expectedWorkers: 1));
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains($"worker blind-worker (akka.tcp://eqprop@127.0.0.1:{blind.Cluster.SelfAddress.Port}) does not see the study folder {output}", result.Flat);
        Assert.Contains("same absolute path", result.Flat);
        Assert.False(Directory.Exists(Path.Combine(output, "runs")), "a run was started");
        Assert.False(File.Exists(Path.Combine(output, SharedFolderProbe.FileName)));
    }

    [Fact]
    public void JobsAndAClusterAreRefusedTogether()
    {
        var result = CliRunner.Run("study", WriteSpec(SmallStudy), "--out", _directory.File("x"), "--cluster-config", "c.conf", "--jobs", "2");
        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
        Assert.Contains("one run at a time", result.Flat);
    }

    private static void AssertSameWeights(string expected, string actual)
    {
        var a = RunFolder.CheckpointWeights(expected);
        var b = RunFolder.CheckpointWeights(actual);
        Assert.True(a.Keys.SequenceEqual(b.Keys) && a.Keys.All(n => RunFolder.BitIdentical(a[n], b[n])),
            $"{actual} differs from {expected}: " + RunFolder.DescribeDifference(a, b));
    }
}
