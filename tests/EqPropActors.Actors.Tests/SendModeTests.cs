using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Data;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// Event-driven sending with a threshold larger than the nudge's effect: in threshold mode a change below the
/// threshold is never sent, so the nudged phase ends on views that lag the neighbours by up to the threshold and the
/// rule's estimate points elsewhere. Sigma-delta sends small but lasting changes after a while and a resting group's
/// final state, so the estimate follows the gradient. Measured with the centered estimate at a tied start, which is
/// within a fraction of a degree of the gradient when every step is sent; the one-sided estimate of the async
/// schedule varies from run to run even without a threshold (see docs/engines.md), so it is not what is asserted.
/// </summary>
public sealed class SendModeTests
{
    private static double CenteredAngle(SendMode mode, int pair)
    {
        var settings = new GradientCheckSettings
        {
            Layers = [784, 32, 10],
            Rules = [LearningRule.Vf],
            InitAnglesDegrees = [0],
            FreeSteps = 1000,
            NudgedSteps = 1000,
            Beta = 0.001f,
        };
        var data = DatasetCatalog.Load(DatasetCatalog.Synthetic, null).Train;
        var schedule = new ScheduleSettings(ScheduleKind.Async, SendThreshold: 0.01f, SendMode: mode);
        var rows = GradientCheck.Run(settings, data, (network, rows) =>
            new ActorEngine(network, rows, Enumerable.Repeat(1f, network.PairCount).ToArray(), schedule, TimeSpan.FromSeconds(60)));
        return rows.Single(r => r.Layer == pair).CenteredAngleDeg;
    }

    [Fact]
    public void SigmaDeltaCarriesTheNudgeThatThresholdSendingLoses()
    {
        // Threshold mode measured 13.6° and 7.1° for the two layer pairs; sigma-delta 0.2–0.3° and 0.10–0.13°.
        double threshold = CenteredAngle(SendMode.Threshold, pair: 1);
        double sigmaDelta = CenteredAngle(SendMode.SigmaDelta, pair: 1);
        Assert.True(threshold > 5, $"threshold mode: {threshold:F2}° (the dead zone should show)");
        Assert.True(sigmaDelta < 2, $"sigma-delta: {sigmaDelta:F2}°");
    }

    [Fact]
    public void SigmaDeltaNeedsTheAsyncSchedule()
    {
        var error = Assert.Throws<Core.ConfigurationException>(() => new ScheduleSettings(SendMode: SendMode.SigmaDelta).Validate());
        Assert.Contains("--send-mode sigma-delta", error.Message);
    }
}
