using EqPropActors.Actors.Coordination;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Actors.Tests;

/// <summary>A group that cannot go on stops the run with a message naming it; no wait is without a timeout.</summary>
public sealed class GroupFailureTests
{
    [Theory]
    [InlineData(ScheduleKind.Sync)]
    [InlineData(ScheduleKind.Async)]
    public void NaNInAGroupsStateStopsTheRunNamingGroupPhaseAndMinibatch(ScheduleKind kind)
    {
        var fixture = new EngineFixture([20, 12, 6]);
        var poisoned = fixture.Weights.Clone();
        poisoned.Forward[1][5] = float.NaN;
        using var engine = new ActorEngine(fixture.Network, 8, fixture.LearningRates, new ScheduleSettings(kind), TimeSpan.FromSeconds(20));
        engine.LoadParameters(poisoned, null);
        var plan = MinibatchPlan.Training(10, 4, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f));
        var error = Assert.Throws<TrainingDivergedException>(() => engine.Run(fixture.Batches[0], plan, 0.5f, 1e-3f));
        Assert.Matches(@"group L\dG\d", error.Message);
        Assert.Contains("free phase", error.Message);
        Assert.Contains("minibatch 1", error.Message);
    }

    [Fact]
    public void APhaseThatTakesTooLongIsReportedWithTheGroupsStillRunning()
    {
        var fixture = new EngineFixture([20, 12, 6]);
        // The timeout also bounds creating the groups, which a loaded machine once took longer than 100 ms for; ten
        // million steps take far longer than 2 s.
        using var engine = new ActorEngine(fixture.Network, 8, fixture.LearningRates, timeout: TimeSpan.FromSeconds(2));
        engine.LoadParameters(fixture.Weights, null);
        var error = Assert.Throws<EngineFailureException>(() => engine.Run(fixture.Batches[0], MinibatchPlan.Evaluation(10_000_000), 0.5f, 1e-3f));
        Assert.Contains("no report from", error.Message);
        Assert.Contains("L1G0", error.Message);
        Assert.Contains("free phase", error.Message);
    }
}
