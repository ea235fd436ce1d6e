using System.Diagnostics;
using EqPropActors.Cli.Commands;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// <c>eqprop train --engine cluster</c> with real worker processes (eqprop node) on 127.0.0.1: the run equals the
/// batch engine's, and a coordinator killed mid-epoch is restarted with --resume and ends where the undisturbed run
/// ends, the workers having rejoined the new coordinator on their own.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ClusterTrainTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string EqpropAssembly => typeof(Program).Assembly.Location;

    /// <summary>Quick failure detection and downing, and quick join retries, so that the tests take seconds.</summary>
    private const string Fast = """
        akka.cluster.failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 2s }
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.cluster.seed-node-retry-interval = 1s
        akka.cluster.retry-unsuccessful-join-after = 1s
        """;

    private string CoordinatorConfig(int port)
    {
        string path = _directory.File($"coordinator-{port}.conf");
        File.WriteAllText(path, LocalWorkers.LoopbackCoordinatorConfig(port, expectedWorkers: 1) + "\n" + Fast + "\neqprop.cluster.join-timeout = 60s");
        return path;
    }

    private static LocalWorkers StartWorkers(int port, int count) =>
        new(EqpropAssembly, LocalWorkers.LoopbackWorkerConfig + "\n" + Fast, $"127.0.0.1:{port}", count, TimeSpan.FromSeconds(60), waitUntilUp: false);

    [Fact]
    public void TrainingOnTheClusterEndsWithTheBatchEnginesWeights()
    {
        string reference = _directory.File("reference"), run = _directory.File("run");
        CliRunner.RunOk(CliRunner.Train("--out", reference));
        int port = LocalWorkers.FreePort();
        using var workers = StartWorkers(port, 2);

        var result = CliRunner.RunOk(CliRunner.Train("--engine", "cluster", "--cluster-config", CoordinatorConfig(port), "--out", run));
        Assert.Contains("engine cluster", result.Flat);
        AssertSameWeights(reference, run);

        // The workers outlive the run: they leave with the coordinator and join the next one.
        string again = _directory.File("again");
        var second = CliRunner.Run(CliRunner.Train("--engine", "cluster", "--cluster-config", CoordinatorConfig(port), "--out", again));
        Assert.True(second.Thrown is null && second.ExitCode == 0, $"expected success\n{second}\nthe workers' output:\n{workers.Output}");
        AssertSameWeights(reference, again);
    }

    /// <param name="graceful">SIGTERM (what a supervisor sends): the coordinator saves the minibatch it is at and leaves
    /// the cluster. Otherwise it is killed outright and the newest periodic checkpoint is what is left.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AStoppedCoordinatorResumesFromItsLastCheckpointAndEndsAsTheUndisturbedRun(bool graceful)
    {
        // 100 minibatches an epoch: the kill lands well inside epoch 2 however fast the machine is.
        string[] options = ["--dataset", "synthetic", "--train-samples", "2000", "--layers", "784,16,10", "--epochs", "2", "--batch-size", "20"];
        string reference = _directory.File("reference"), run = _directory.File("run");
        CliRunner.RunOk(["train", .. options, "--out", reference]);
        int port = LocalWorkers.FreePort();
        string config = CoordinatorConfig(port);
        using var workers = StartWorkers(port, 1);

        // The first coordinator is a process of its own, killed (no chance to save anything) inside epoch 2.
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[EqpropAssembly, "train", .. options, "--engine", "cluster", "--cluster-config", config, "--checkpoint-every", "3", "--out", run])
            info.ArgumentList.Add(arg);
        using var coordinator = Process.Start(info)!;
        using var reachedEpoch2 = new ManualResetEventSlim();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        coordinator.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                output.Enqueue(e.Data);
            if (e.Data is { } line && line.StartsWith("epoch 2/2: ", StringComparison.Ordinal) && line.Contains("(200/2000)", StringComparison.Ordinal))
                reachedEpoch2.Set();
        };
        coordinator.ErrorDataReceived += (_, e) => { if (e.Data is { } line) output.Enqueue(line); };
        coordinator.BeginOutputReadLine();
        coordinator.BeginErrorReadLine();
        try
        {
            Assert.True(reachedEpoch2.Wait(TimeSpan.FromSeconds(90)), "the first coordinator never reached epoch 2");
        }
        finally
        {
            if (!graceful || !ProcessSignals.Send(coordinator, ProcessSignals.Terminate) || !coordinator.WaitForExit(60_000))
                coordinator.Kill(entireProcessTree: true);
            coordinator.WaitForExit(10_000);
        }
        if (graceful)
        {
            Assert.Equal(ExitCodes.Interrupted, coordinator.ExitCode);
            Assert.Contains(output, line => line.Contains("Interrupted. The checkpoint after minibatch", StringComparison.Ordinal));
        }
        var checkpoint = NpzArchive.Read(Path.Combine(run, RunDirectory.CheckpointFile));
        Assert.True(checkpoint["completed_epochs"].ScalarValue<int>() == 1,
            $"the checkpoint left is from epoch {checkpoint["completed_epochs"].ScalarValue<int>() + 1}, minibatch {checkpoint["minibatches_done"].ScalarValue<int>()}; " +
            $"the coordinator wrote:\n{string.Join('\n', output)}");
        Assert.True(checkpoint["minibatches_done"].ScalarValue<int>() >= 3);

        // The restarted coordinator listens on the same address; the worker, downed when its coordinator vanished,
        // joins it again by itself.
        var resumed = CliRunner.Run("train", "--resume", run);
        Assert.True(resumed.Thrown is null && resumed.ExitCode == 0, $"expected success\n{resumed}\nthe worker's output:\n{workers.Output}");
        Assert.Contains("of epoch 2", resumed.Flat);
        AssertSameWeights(reference, run);
    }

    [Fact]
    public void WorkersThatNeverComeEndTheRunWithAMessageNotACrash()
    {
        int port = LocalWorkers.FreePort();
        string path = _directory.File("lonely.conf");
        File.WriteAllText(path, LocalWorkers.LoopbackCoordinatorConfig(port, expectedWorkers: 2) + "\neqprop.cluster.join-timeout = 2s");
        var result = CliRunner.Run(CliRunner.Train("--engine", "cluster", "--cluster-config", path));
        Assert.True(result.Thrown is null && result.ExitCode == ExitCodes.Failure, $"expected exit code {ExitCodes.Failure}\n{result}");
        Assert.Contains("waited 2 s for 2 worker(s)", result.Flat);
        Assert.Contains("eqprop node", result.Flat);
    }

    private static void AssertSameWeights(string expected, string actual)
    {
        var a = RunFolder.CheckpointWeights(expected);
        var b = RunFolder.CheckpointWeights(actual);
        Assert.True(a.Keys.SequenceEqual(b.Keys) && a.Keys.All(n => RunFolder.BitIdentical(a[n], b[n])),
            $"{actual} differs from {expected}: " + RunFolder.DescribeDifference(a, b));
    }
}
