using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// The synchronous actor schedule computes exactly what the batch engine computes: same group kernel, same order
/// of operations, so weights, reports and rule estimates agree bit for bit.
/// </summary>
public sealed class SyncScheduleEquivalenceTests
{
    [Theory]
    [InlineData(LearningRule.Vf, 1, false, 0f)]
    [InlineData(LearningRule.Vf, 3, true, 0.9f)]
    [InlineData(LearningRule.Ep, 1, true, 0f)]
    [InlineData(LearningRule.Ep, 2, false, 0.5f)]
    public void WeightsEqualTheBatchEngineBitForBit(LearningRule rule, int groups, bool centered, float momentum)
    {
        var fixture = new EngineFixture([20, 12, 9, 6], groups, initAngle: rule == LearningRule.Ep ? 0 : 90);
        var (batchWeights, batchReports) = Train(fixture, EngineFixture.Batch, rule, centered, momentum);
        var (actorWeights, actorReports) = Train(fixture, EngineFixture.Actors, rule, centered, momentum);

        Assert.True(batchWeights.BitwiseEquals(actorWeights, out string? difference), $"first difference at {difference}");
        for (int i = 0; i < batchReports.Count; i++)
        {
            Assert.Equal(batchReports[i].LossSum, actorReports[i].LossSum);
            Assert.Equal(batchReports[i].Errors, actorReports[i].Errors);
            Assert.Equal(batchReports[i].Phases, actorReports[i].Phases);
        }
    }

    [Fact]
    public void PersistentParticlesAndEstimatesAgreeWithTheBatchEngine()
    {
        var fixture = new EngineFixture([20, 12, 6], groupsPerHiddenLayer: 2);
        var plan = MinibatchPlan.Training(15, 5, new RuleApplication(LearningRule.Vf, 0.4f, true, 0f), UpdateMode.EstimateOnly);
        ParameterSet Estimate(Func<NetworkSpec, int, float[], IEngine> create, out float[][] particles)
        {
            using var engine = create(fixture.Network, 8, fixture.LearningRates);
            engine.LoadParameters(fixture.Weights, null);
            var batch = fixture.Batches[0];
            batch.Particles = fixture.Network.LayerSizes.Select((n, l) => Enumerable.Repeat(l == 0 ? 0f : 0.25f, l == 0 ? 0 : 8 * n).ToArray()).ToArray();
            engine.Run(batch, plan, 0.5f, 1e-3f);
            particles = batch.Particles;
            batch.Particles = null;
            return engine.ExportEstimate();
        }
        var batchEstimate = Estimate(EngineFixture.Batch, out var batchParticles);
        var actorEstimate = Estimate(EngineFixture.Actors, out var actorParticles);
        Assert.True(batchEstimate.BitwiseEquals(actorEstimate, out string? difference), $"first difference at {difference}");
        for (int l = 1; l < batchParticles.Length; l++)
            Assert.Equal(batchParticles[l], actorParticles[l]);
    }

    private static (ParameterSet Weights, List<MinibatchReport> Reports) Train(EngineFixture fixture,
        Func<NetworkSpec, int, float[], IEngine> create, LearningRule rule, bool centered, float momentum)
    {
        using var engine = create(fixture.Network, 8, fixture.LearningRates);
        engine.LoadParameters(fixture.Weights, null);
        var reports = new List<MinibatchReport>();
        for (int epoch = 0; epoch < 2; epoch++)
            foreach (var (batch, i) in fixture.Batches.Select((b, i) => (b, i)))
            {
                float beta = i % 2 == 0 ? 0.5f : -0.5f;
                var plan = MinibatchPlan.Training(12, 4, new RuleApplication(rule, beta, centered, momentum));
                reports.Add(engine.Run(batch, plan, 0.5f, 1e-3f));
            }
        reports.Add(engine.Run(fixture.Batches[0], MinibatchPlan.Evaluation(12), 0.5f, 1e-3f));
        return (engine.ExportWeights(), reports);
    }
}
