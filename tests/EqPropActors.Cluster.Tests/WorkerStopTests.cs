using System.Diagnostics;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Tests.TestSupport;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// SIGTERM on an <c>eqprop node</c> that is waiting to join (its first coordinator, or the next one after a run
/// ended) stops it at once with exit code 0, as it does a node that is up: it must not wait out join-timeout
/// (40 s in these tests' configuration) and then report a failure.
/// </summary>
public sealed class WorkerStopTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public void SigtermOnAWorkerWaitingForItsNextCoordinatorEndsItPromptly()
    {
        using var cluster = LoopbackCluster.Start(workers: 1);
        var worker = cluster.Workers!.Processes[0];

        cluster.Coordinator.Dispose(); // the run ended: the worker leaves with the coordinator and waits for the next one
        WaitFor(() => cluster.Workers.Output.Contains("joining again"), TimeSpan.FromSeconds(30), cluster.Workers);

        AssertStopsPromptly(worker, cluster.Workers, "stopped while waiting to join the next coordinator");
    }

    [Fact]
    public void SigtermOnAWorkerWaitingForItsFirstCoordinatorEndsItPromptly()
    {
        int nobody = LocalWorkers.FreePort();
        using var workers = new LocalWorkers(LoopbackCluster.EqpropAssembly, LocalWorkers.LoopbackWorkerConfig + "\neqprop.cluster.join-timeout = 40s",
            $"127.0.0.1:{nobody}", count: 0, TimeSpan.FromSeconds(1));
        var worker = workers.StartWithoutWaiting(LoopbackCluster.EqpropAssembly, $"127.0.0.1:{nobody}");
        // Its first join attempt failing is the sign that it is waiting (Akka logs the refused connection).
        WaitFor(() => workers.Output.Contains(nobody.ToString()), TimeSpan.FromSeconds(30), workers);

        AssertStopsPromptly(worker, workers, "stopped while waiting to join the cluster");
    }

    private static void AssertStopsPromptly(Process worker, LocalWorkers workers, string expectedNotice)
    {
        var clock = Stopwatch.StartNew();
        Assert.True(ProcessSignals.Send(worker, ProcessSignals.Terminate), "SIGTERM could not be sent");
        Assert.True(worker.WaitForExit(Prompt), $"the worker was still running {Prompt.TotalSeconds:F0} s after SIGTERM; its output:\n{workers.Output}");
        worker.WaitForExit(); // the output readers finish
        Assert.True(worker.ExitCode == 0, $"exit code {worker.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s; its output:\n{workers.Output}");
        Assert.Contains(expectedNotice, workers.Output);
    }

    private static void WaitFor(Func<bool> condition, TimeSpan timeout, LocalWorkers workers)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, $"gave up after {timeout.TotalSeconds:F0} s; the worker's output:\n{workers.Output}");
            Thread.Sleep(100);
        }
    }
}
