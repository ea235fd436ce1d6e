using EqPropActors.Actors.Schedules;
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
    [InlineData(LearningRule.Vf, 2, false, 0f, true)]
    [InlineData(LearningRule.Vf, 1, true, 0.9f, true)]
    public void WeightsEqualTheBatchEngineBitForBit(LearningRule rule, int groups, bool centered, float momentum, bool logisticRhoPrime = false)
    {
        // The logistic ρ' form: the VF rule's postsynaptic factor carries ρ'(s⁰), computed by every engine's groups alike.
        var fixture = new EngineFixture([20, 12, 9, 6], groups, initAngle: rule == LearningRule.Ep ? 0 : 90,
            activation: logisticRhoPrime ? Activation.Logistic : Activation.HardSigmoid,
            form: logisticRhoPrime ? DynamicsForm.RhoPrime : DynamicsForm.Vf);
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

    /// <summary>The forms that learn at each nudged step: every group learns from the rates its step read, in the same
    /// order in both engines (no drive delegation: the output needs its source's rates at every step).</summary>
    [Theory]
    [InlineData(UpdateForm.Stdp, 1, false, 0f)]
    [InlineData(UpdateForm.Stdp, 2, true, 0.9f)]
    [InlineData(UpdateForm.Continual, 1, false, 0f)]
    [InlineData(UpdateForm.Continual, 3, true, 0f)]
    public void LearningInTimeEqualsTheBatchEngineBitForBit(UpdateForm form, int groups, bool centered, float momentum)
    {
        var fixture = new EngineFixture([20, 12, 9, 6], groups);
        var (batchWeights, batchReports) = Train(fixture, EngineFixture.Batch, LearningRule.Vf, centered, momentum, form: form);
        var (actorWeights, actorReports) = Train(fixture, (network, rows, rates) => new ActorEngine(network, rows, rates,
            new ScheduleSettings(DelegateDrive: false), TimeSpan.FromSeconds(20)), LearningRule.Vf, centered, momentum, form: form);

        Assert.False(batchWeights.BitwiseEquals(fixture.Weights, out _), "the weights should have learned");
        Assert.True(batchWeights.BitwiseEquals(actorWeights, out string? difference), $"first difference at {difference}");
        for (int i = 0; i < batchReports.Count; i++)
            Assert.Equal(batchReports[i].LossSum, actorReports[i].LossSum);
    }

    /// <summary>
    /// 20-24-40-6: the output's only source is 40 units wide, so under the sync schedule that source sends the
    /// output its 6-wide drive instead of its 40 rates. Same weights and reports either way; fewer bytes with it.
    /// </summary>
    [Theory]
    [InlineData(LearningRule.Vf, false, 0f)]
    [InlineData(LearningRule.Ep, true, 0.9f)]
    public void DelegatedDrivesGiveTheBatchEnginesResultsWithFewerBytes(LearningRule rule, bool centered, float momentum)
    {
        var fixture = new EngineFixture([20, 24, 40, 6], initAngle: rule == LearningRule.Ep ? 0 : 90);
        var (batchWeights, batchReports) = Train(fixture, EngineFixture.Batch, rule, centered, momentum);
        IEngine Actors(bool delegated) => new ActorEngine(fixture.Network, 8, fixture.LearningRates,
            new ScheduleSettings(DelegateDrive: delegated), TimeSpan.FromSeconds(20));
        var (delegatedWeights, delegatedReports) = Train(fixture, (_, _, _) => Actors(true), rule, centered, momentum);
        var (plainWeights, plainReports) = Train(fixture, (_, _, _) => Actors(false), rule, centered, momentum);

        Assert.True(batchWeights.BitwiseEquals(delegatedWeights, out string? difference), $"delegated: first difference at {difference}");
        Assert.True(batchWeights.BitwiseEquals(plainWeights, out difference), $"plain: first difference at {difference}");
        Assert.Equal(batchReports.Select(r => r.LossSum), delegatedReports.Select(r => r.LossSum));
        Assert.Equal(batchReports.Select(r => r.Phases), delegatedReports.Select(r => r.Phases));
        // Values per row and step: 24 up from layer 1, 40 down from layer 2, 6 down from the output, and from layer
        // 2 to the output 40 rates plain but a 6-wide drive delegated.
        long plain = plainReports.Sum(r => r.Statistics.Bytes), delegatedBytes = delegatedReports.Sum(r => r.Statistics.Bytes);
        Assert.Equal(plain * (24 + 40 + 6 + 6), delegatedBytes * (24 + 40 + 6 + 40));
    }

    /// <summary>
    /// The coordinator starts the next minibatch while the groups may still be applying the last one's update, which
    /// reads the clamped input: with a large first layer (a slow update) and new inputs every minibatch, the update
    /// must still see its own minibatch's input.
    /// </summary>
    [Fact]
    public void TheUpdateReadsItsOwnMinibatchsInputWhileTheNextOneStarts()
    {
        var fixture = new EngineFixture([784, 300, 10], rows: 50, batches: 6);
        var (batchWeights, _) = Train(fixture, EngineFixture.Batch, LearningRule.Vf, centered: false, momentum: 0f, rows: 50);
        var (actorWeights, _) = Train(fixture, EngineFixture.Actors, LearningRule.Vf, centered: false, momentum: 0f, rows: 50);
        Assert.True(batchWeights.BitwiseEquals(actorWeights, out string? difference), $"first difference at {difference}");
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
        Func<NetworkSpec, int, float[], IEngine> create, LearningRule rule, bool centered, float momentum, int rows = 8,
        UpdateForm form = UpdateForm.TwoPhase)
    {
        using var engine = create(fixture.Network, rows, fixture.LearningRates);
        engine.LoadParameters(fixture.Weights, null);
        var reports = new List<MinibatchReport>();
        for (int epoch = 0; epoch < 2; epoch++)
            foreach (var (batch, i) in fixture.Batches.Select((b, i) => (b, i)))
            {
                float beta = i % 2 == 0 ? 0.5f : -0.5f;
                var plan = MinibatchPlan.Training(12, 4, new RuleApplication(rule, beta, centered, momentum, Form: form));
                reports.Add(engine.Run(batch, plan, 0.5f, 1e-3f));
            }
        reports.Add(engine.Run(fixture.Batches[0], MinibatchPlan.Evaluation(12), 0.5f, 1e-3f));
        return (engine.ExportWeights(), reports);
    }
}
