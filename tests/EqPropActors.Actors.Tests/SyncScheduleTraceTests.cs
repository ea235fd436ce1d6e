using EqPropActors.Actors.Schedules;
using EqPropActors.Core;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// A trace of the actor engine's sync schedule, where every group records its own steps, equals the batch engine's
/// trace bit for bit: states, rates and residuals of every group at every step of every phase.
/// </summary>
public sealed class SyncScheduleTraceTests
{
    private const float Dt = 0.5f;
    private const float Tolerance = 1e-3f;

    /// <summary>20-24-40-6 with one group per layer: the output's drive is delegated to its 40-wide source (when on);
    /// with 2 groups per hidden layer every group integrates its neighbours' rates itself.</summary>
    [Theory]
    [InlineData(1, true, LearningRule.Vf, false)]
    [InlineData(1, false, LearningRule.Vf, true)]
    [InlineData(2, true, LearningRule.Ep, true)]
    public void EveryGroupsStepsEqualTheBatchEnginesBitForBit(int groupsPerHiddenLayer, bool delegateDrive, LearningRule rule, bool centered)
    {
        var fixture = new EngineFixture([20, 24, 40, 6], groupsPerHiddenLayer, initAngle: rule == LearningRule.Ep ? 0 : 90);
        var plan = MinibatchPlan.Training(14, 5, new RuleApplication(rule, 0.5f, centered, 0.5f));

        using var batch = new BatchEngine(fixture.Network, 8, fixture.LearningRates);
        batch.LoadParameters(fixture.Weights, null);
        var batchTrace = new RelaxationTrace(fixture.Network.FreeGroups);
        batch.Recorder = batchTrace;
        var batchReport = batch.Run(fixture.Batches[0], plan, Dt, Tolerance);

        var actorTrace = new GroupwiseTrace(fixture.Network.FreeGroups);
        using var actors = new ActorEngine(fixture.Network, 8, fixture.LearningRates, new ScheduleSettings(DelegateDrive: delegateDrive),
            TimeSpan.FromSeconds(20), actorTrace);
        actors.LoadParameters(fixture.Weights, null);
        var actorReport = actors.Run(fixture.Batches[0], plan, Dt, Tolerance);

        Assert.Equal(batchReport.Phases, actorReport.Phases);
        Assert.Equal(batchTrace.Groups.Select(g => g.Spec), actorTrace.Groups.Select(g => g.Spec));
        foreach (var (expected, actual) in batchTrace.Groups.Zip(actorTrace.Groups))
        {
            string group = expected.Spec.Name;
            Assert.Equal(batchTrace.Phases.Select(p => p.Steps), actual.StepsPerPhase);
            Assert.Equal(expected.StepsPerPhase, actual.StepsPerPhase);
            AssertBitIdentical(expected.States(), actual.States(), $"{group} states");
            AssertBitIdentical(expected.Rates(), actual.Rates(), $"{group} rates");
            AssertBitIdentical(expected.Residuals(), actual.Residuals(), $"{group} residuals");
        }
        // Recording changed nothing the rule learned.
        Assert.True(batch.ExportWeights().BitwiseEquals(actors.ExportWeights(), out string? difference), $"weights: first difference at {difference}");
    }

    /// <summary>A recorder of steps alone cannot place the async schedule's steps in time (see AsyncScheduleTraceTests).</summary>
    [Fact]
    public void TheAsyncScheduleRefusesARecorderWithoutClocks()
    {
        var fixture = new EngineFixture([20, 12, 6]);
        var error = Assert.Throws<ConfigurationException>(() => new ActorEngine(fixture.Network, 8, fixture.LearningRates,
            new ScheduleSettings(ScheduleKind.Async), TimeSpan.FromSeconds(20), new StepCounter()));
        Assert.Contains("sync schedule only", error.Message);
        Assert.Contains(nameof(IAsyncStepRecorder), error.Message);
    }

    private sealed class StepCounter : IGroupStepRecorder
    {
        public int Steps;

        public void StepTaken(NeuronGroup group, int phaseIndex, float dt) => Interlocked.Increment(ref Steps);
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} values from the batch engine, {actual.Length} from the actors");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: batch {expected[i]:R}, actors {actual[i]:R}");
    }
}
