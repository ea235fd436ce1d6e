using Akka.Actor;
using Akka.TestKit.Xunit2;
using EqPropActors.Cluster.Runs;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// The worker's run host on its own: one child at a time (a second request is refused, not queued), the end reported
/// with the exit code, a stop request or the requester's death stopping the child gently, and the shared-folder check.
/// The child here is a stand-in that runs until stopped and then exits with 130, as a training run does.
/// </summary>
public sealed class StudyRunHostTests : TestKit
{
    private readonly List<RunEqprop> _started = [];

    private Task<int> ChildUntilStopped(RunEqprop request, CancellationToken stop)
    {
        lock (_started)
            _started.Add(request);
        return request.Arguments[0] == "quick" ? Task.FromResult(0) : Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => 130, TaskScheduler.Default);
    }

    private IActorRef Host(Func<string, string?>? readFile = null) =>
        Sys.ActorOf(StudyRunHost.Props("worker-1", ChildUntilStopped, _ => { }, readFile));

    [Fact]
    public void AQuickChildIsAcceptedAndItsExitCodeReported()
    {
        var host = Host();
        host.Tell(new RunEqprop(1, ["quick"], "log", ""), TestActor);
        Assert.Equal(new EqpropRunAccepted(1, "worker-1"), ExpectMsg<EqpropRunAccepted>());
        Assert.Equal(new EqpropRunEnded(1, 0, false, ""), ExpectMsg<EqpropRunEnded>());
    }

    [Fact]
    public void ASecondRequestIsRefusedWhileAChildRuns_AndAStopEndsTheFirst()
    {
        var host = Host();
        host.Tell(new RunEqprop(1, ["train"], "log", ""), TestActor);
        ExpectMsg<EqpropRunAccepted>();
        host.Tell(new RunEqprop(2, ["train"], "log", ""), TestActor);
        Assert.Contains("already runs job 1", ExpectMsg<EqpropRunRefused>(m => m.Job == 2).Reason);

        host.Tell(new StopEqpropRun(1), TestActor);
        Assert.Equal(new EqpropRunEnded(1, 130, false, ""), ExpectMsg<EqpropRunEnded>());
        Assert.Single(_started);
    }

    [Fact]
    public void TheChildStopsWhenTheCoordinatorThatAskedIsGone()
    {
        var host = Host();
        var coordinator = CreateTestProbe();
        host.Tell(new RunEqprop(5, ["train"], "log", ""), coordinator.Ref);
        coordinator.ExpectMsg<EqpropRunAccepted>();
        Sys.Stop(coordinator.Ref);
        // Once the child has ended the host is free again.
        AwaitAssert(() =>
        {
            host.Tell(new RunEqprop(6, ["quick"], "log", ""), TestActor);
            ExpectMsg<EqpropRunAccepted>(TimeSpan.FromMilliseconds(200));
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void TheSharedFileIsSeenOnlyWithTheSameContents()
    {
        string path = Path.Combine(Path.GetTempPath(), $"eqprop-probe-{Guid.NewGuid():N}");
        File.WriteAllText(path, "token");
        try
        {
            var host = Host();
            host.Tell(new CheckSharedFile(path, "token"), TestActor);
            Assert.True(ExpectMsg<SharedFileChecked>().Seen);
            host.Tell(new CheckSharedFile(path, "another token"), TestActor);
            Assert.Contains("something else", ExpectMsg<SharedFileChecked>(m => !m.Seen).Detail);
            host.Tell(new CheckSharedFile(path + "-missing", "token"), TestActor);
            Assert.Contains("no such file", ExpectMsg<SharedFileChecked>(m => !m.Seen).Detail);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
