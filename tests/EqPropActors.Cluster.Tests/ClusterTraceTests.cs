using EqPropActors.Actors.Schedules;
using EqPropActors.Actors.Tests;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Tests.TestSupport;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// eqprop trace on the cluster engine: the group actors on two worker processes record their own steps, and the
/// records are gathered to the coordinator in chunks that fit the transport's frame. Under the sync schedule the
/// gathered trace equals the batch engine's bit for bit; under the async schedule it holds every group's clock, views
/// and messages, with wall times from both workers on the coordinator's clock.
/// </summary>
public sealed class ClusterTraceTests
{
    private const float Dt = 0.5f;

    /// <summary>30-16-12-10 with 2 groups per hidden layer: 5 groups, spread over two workers.</summary>
    private static readonly int[] Layers = [30, 16, 12, 10];

    /// <summary>Akka.NET's smallest frame, on every node: a group's record (19 steps × 32 samples × 8 units, states
    /// and rates: about 39 kB) then needs more than one chunk.</summary>
    private const string SmallFrames = "akka.remote.dot-netty.tcp.maximum-frame-size = 32000b";

    private static MinibatchPlan Plan() => MinibatchPlan.Training(14, 5, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f), UpdateMode.None);

    [Fact]
    public void TheSyncSchedulesTraceGatheredFromTwoWorkersEqualsTheBatchEnginesBitForBit()
    {
        const int samples = 32;
        var fixture = new EngineFixture(Layers, groupsPerHiddenLayer: 2, rows: samples, batches: 1);
        var plan = Plan();
        var expected = new RelaxationTrace(fixture.Network.FreeGroups);
        using (var batch = new BatchEngine(fixture.Network, samples, fixture.LearningRates))
        {
            batch.LoadParameters(fixture.Weights, null);
            batch.Recorder = expected;
            batch.Run(fixture.Batches[0], plan, Dt, 1e-3f);
        }

        var recorded = new GroupwiseTrace(fixture.Network.FreeGroups);
        var notices = new List<string>();
        using var cluster = LoopbackCluster.Start(workers: 2, coordinatorExtra: SmallFrames,
            workerConfig: LocalWorkers.LoopbackWorkerConfig + "\n" + SmallFrames);
        using (var engine = new ClusterEngine(cluster.Coordinator, fixture.Network, samples, fixture.LearningRates, ScheduleSettings.Synchronous,
                   notices.Add, trace: recorded))
        {
            Assert.Equal(2, engine.Placement.Values.Distinct().Count());
            Assert.DoesNotContain("coordinator", engine.Placement.Values);
            engine.LoadParameters(fixture.Weights, null);
            engine.Run(fixture.Batches[0], plan, Dt, 1e-3f);
        }
        var gathered = RelaxationTrace.FromGroups(recorded, plan);

        Assert.Equal(expected.Phases, gathered.Phases);
        foreach (var (batchGroup, clusterGroup) in expected.Groups.Zip(gathered.Groups))
        {
            string group = batchGroup.Spec.Name;
            Assert.Equal(batchGroup.Spec, clusterGroup.Spec);
            Assert.Equal(batchGroup.StepsPerPhase, clusterGroup.StepsPerPhase);
            Assert.Equal(batchGroup.Samples, clusterGroup.Samples);
            AssertBitIdentical(batchGroup.States(), clusterGroup.States(), $"{group} states");
            AssertBitIdentical(batchGroup.Rates(), clusterGroup.Rates(), $"{group} rates");
            AssertBitIdentical(batchGroup.Residuals(), clusterGroup.Residuals(), $"{group} residuals");
            Assert.Null(clusterGroup.Clock);
        }
        // The records did not fit one frame: they came in chunks.
        string summary = Assert.Single(notices, n => n.StartsWith("trace: gathered", StringComparison.Ordinal));
        int chunks = int.Parse(summary.Split(" chunk(s)")[0].Split(' ')[^1]);
        Assert.True(chunks > expected.Groups.Count, $"expected some records to need several chunks: {summary}");
    }

    [Fact]
    public void TheAsyncSchedulesTraceGatheredFromTwoWorkersHasEveryGroupsClockViewsAndMessages()
    {
        const int samples = 4;
        var fixture = new EngineFixture(Layers, groupsPerHiddenLayer: 2, rows: samples, batches: 1);
        var plan = Plan();
        var recorded = new GroupwiseTrace(fixture.Network.FreeGroups);
        using var cluster = LoopbackCluster.Start(workers: 2);
        using (var engine = new ClusterEngine(cluster.Coordinator, fixture.Network, samples, fixture.LearningRates,
                   new ScheduleSettings(ScheduleKind.Async, Delay: 0.5, Seed: 3, DelegateDrive: false), trace: recorded))
        {
            Assert.Equal(2, engine.Placement.Values.Distinct().Count());
            engine.LoadParameters(fixture.Weights, null);
            engine.Run(fixture.Batches[0], plan, Dt, 1e-3f);
        }
        var trace = RelaxationTrace.FromGroups(recorded, plan);
        using var directory = new TemporaryFolder();
        TraceFiles.Write(directory.Path, trace, new TraceDescription(null, null, 0, "test", [0, 1, 2, 3], [0, 1, 2, 3], Dt, 1e-3f)
        {
            Schedule = "cluster engine, async schedule (delay 0.5)",
        });
        var archive = NpzArchive.Read(Path.Combine(directory.Path, TraceFiles.ArraysFile));

        var sentAt = new Dictionary<(int Group, int Phase, int Step), double>();
        foreach (var group in trace.Groups)
        {
            string g = group.Spec.Name;
            int steps = group.Steps, sources = group.Clock!.SourceIds.Count;
            Assert.True(steps > 0, $"{g} took no step");
            Assert.Equal([steps, samples, group.Units], archive[$"{g}_state"].Shape);
            Assert.Equal([steps, samples, group.Units], archive[$"{g}_rate"].Shape);
            Assert.Equal([steps, samples], archive[$"{g}_residual"].Shape);
            foreach (string array in new[] { "step", "step_phase", "step_time" })
                Assert.Equal([steps], archive[$"{g}_{array}"].Shape);
            Assert.Equal([sources], archive[$"{g}_view_source"].Shape);
            Assert.Equal([steps, sources], archive[$"{g}_view_step"].Shape);
            Assert.Equal([group.Clock.SentCount, 3], archive[$"{g}_sent"].Shape);
            Assert.Equal([group.Clock.ReceivedCount, 4], archive[$"{g}_received"].Shape);
            Assert.True(group.Clock.ReceivedCount > 0, $"{g} received nothing");
            double[] times = archive[$"{g}_step_time"].AsFloat64();
            Assert.All(times, t => Assert.InRange(t, 0, 60));
            Assert.True(times.Zip(times.Skip(1)).All(p => p.First <= p.Second), $"{g}_step_time is not in the order the steps were taken");
            double[] sent = archive[$"{g}_sent"].AsFloat64();
            for (int i = 0; i < group.Clock.SentCount; i++)
                sentAt[(group.Spec.Id, (int)sent[i * 3 + 1], (int)sent[i * 3 + 2])] = sent[i * 3];
        }
        // Wall times recorded on two workers are on one clock: every activity arrived after it was sent. A group records
        // a send once it has handed the activity to all its targets, by which time a target on another core may have
        // taken it in: a slack of 20 ms, which a wrong translation between the processes' clocks (seconds) far exceeds.
        foreach (var group in trace.Groups)
        {
            double[] received = archive[$"{group.Spec.Name}_received"].AsFloat64();
            for (int i = 0; i < group.Clock!.ReceivedCount; i++)
            {
                var (arrival, phase, source, step) = (received[i * 4], (int)received[i * 4 + 1], (int)received[i * 4 + 2], (int)received[i * 4 + 3]);
                if (sentAt.TryGetValue((source, phase, step), out double departure))
                    Assert.True(arrival >= departure - 0.02, $"{group.Spec.Name} received step {step} of group {source} at {arrival:F6} s, before it was sent at {departure:F6} s");
            }
        }
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values from the batch engine, {actual.Length} from the cluster");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: batch {expected[i]:R}, cluster {actual[i]:R}");
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("eqprop-cluster-trace-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
