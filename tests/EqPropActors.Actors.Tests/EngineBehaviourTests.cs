using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Data;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// What users rely on from any engine, written once and run against every engine: one subclass each, the batch and
/// actor engines in EngineBehaviourEngines.cs, the cluster engine in EqPropActors.Cluster.Tests (which compiles this
/// file and EngineFixture.cs in as links).
/// </summary>
public abstract class EngineBehaviourTests
{
    protected abstract IEngine Create(NetworkSpec network, int rows, float[] learningRates);

    [Fact]
    public void TrainingDecreasesTheLoss()
    {
        var data = SyntheticDataset.Generate(trainCount: 200, testCount: 10).Train;
        var network = new NetworkSpec([784, 32, 10], groupsPerHiddenLayer: 2);
        var batches = Enumerable.Range(0, 10).Select(b => SyntheticBatch(data, b * 20, 20)).ToArray();
        using var engine = Create(network, 20, [0.2f, 0.1f]);
        engine.LoadParameters(WeightInitializer.Create(network.LayerSizes, 90, seed: 3), null);
        double Loss() => batches.Sum(b => engine.Run(b, MinibatchPlan.Evaluation(40), 0.5f, 1e-3f).LossSum);
        double before = Loss();
        var plan = MinibatchPlan.Training(40, 8, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f));
        for (int epoch = 0; epoch < 6; epoch++)
            foreach (var batch in batches)
                engine.Run(batch, plan, 0.5f, 1e-3f);
        double after = Loss();
        Assert.True(after < 0.85 * before, $"loss {before:F4} → {after:F4}");
    }

    private static Minibatch SyntheticBatch(Dataset data, int first, int rows)
    {
        var batch = new Minibatch(rows, Core.Kernels.Padding.RoundUp(784), Core.Kernels.Padding.RoundUp(10)) { Rows = rows };
        int[] indices = Enumerable.Range(first, rows).ToArray();
        data.CopyBatch(indices, batch.Inputs, batch.InputStride, batch.Targets, batch.TargetStride);
        for (int r = 0; r < rows; r++)
            batch.Labels[r] = data.Labels[first + r];
        return batch;
    }

    [Fact]
    public void EvaluationLeavesTheWeightsAloneAndRepeats()
    {
        var fixture = new EngineFixture([20, 12, 6]);
        using var engine = Create(fixture.Network, 8, fixture.LearningRates);
        engine.LoadParameters(fixture.Weights, null);
        var first = engine.Run(fixture.Batches[1], MinibatchPlan.Evaluation(400), 0.5f, 1e-4f);
        var second = engine.Run(fixture.Batches[1], MinibatchPlan.Evaluation(400), 0.5f, 1e-4f);
        Assert.Equal(first.Errors, second.Errors);
        Assert.Equal(first.LossSum, second.LossSum, 4); // async relaxations settle at the same fixed point within the tolerance
        Assert.True(engine.ExportWeights().BitwiseEquals(fixture.Weights, out string? changed), $"evaluation changed {changed}");
    }

    [Fact]
    public void ParametersRoundTripThroughExportAndLoad()
    {
        var fixture = new EngineFixture([20, 12, 9, 6], groupsPerHiddenLayer: 3);
        ParameterSet trained;
        ParameterSet? velocity;
        // One engine after the other, as a resumed run has them (a cluster coordinator runs one engine at a time).
        using (var engine = Create(fixture.Network, 8, fixture.LearningRates))
        {
            engine.LoadParameters(fixture.Weights, null);
            engine.Run(fixture.Batches[0], MinibatchPlan.Training(20, 5, new RuleApplication(LearningRule.Vf, 0.5f, false, 0.9f)), 0.5f, 1e-3f);
            trained = engine.ExportWeights();
            velocity = engine.ExportVelocity();
        }
        Assert.NotNull(velocity);
        using (var copy = Create(fixture.Network, 8, fixture.LearningRates))
        {
            copy.LoadParameters(trained, velocity);
            Assert.True(copy.ExportWeights().BitwiseEquals(trained, out string? difference), $"weights differ at {difference}");
            Assert.True(copy.ExportVelocity()!.BitwiseEquals(velocity, out difference), $"velocities differ at {difference}");
        }
        Assert.False(trained.BitwiseEquals(fixture.Weights, out _), "training must have changed the weights");
    }

    [Fact]
    public void TheoremCheckGivesTheBatchEnginesAngles()
    {
        var data = SyntheticDataset.Generate(trainCount: 10, testCount: 10).Train;
        var settings = new GradientCheckSettings
        {
            Layers = [784, 16, 10], Rules = [LearningRule.Vf], InitAnglesDegrees = [0, 60], BatchSize = 4, FreeSteps = 300, NudgedSteps = 300,
        };
        var reference = GradientCheck.Run(settings, data);
        var mine = GradientCheck.Run(settings with { FreeSteps = TheoremStepBudget, NudgedSteps = TheoremStepBudget }, data, (network, rows) => Create(network, rows, Enumerable.Repeat(1f, network.PairCount).ToArray()));
        Assert.Equal(reference.Count, mine.Count);
        for (int i = 0; i < reference.Count; i++)
            Assert.True(Math.Abs(reference[i].CenteredAngleDeg - mine[i].CenteredAngleDeg) <= AngleToleranceDegrees,
                $"init {reference[i].InitAngleDeg}°, layer {reference[i].Layer}: batch {reference[i].CenteredAngleDeg:F4}°, this engine {mine[i].CenteredAngleDeg:F4}°");
    }

    /// <summary>How far this engine's theorem-check angles may be from the batch engine's.</summary>
    protected virtual double AngleToleranceDegrees => 0;

    /// <summary>Steps per phase this engine gets in the theorem check (the batch engine's reference uses 300).</summary>
    protected virtual int TheoremStepBudget => 300;
}
