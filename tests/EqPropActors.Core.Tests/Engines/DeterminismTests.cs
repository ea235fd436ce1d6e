using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// Bit-for-bit guarantees users rely on when they compare variants: the result does not depend on how layers
/// are split into groups or over cores, and tied weights stay exactly tied.
/// </summary>
public sealed class DeterminismTests
{
    [Theory]
    [InlineData(LearningRule.Vf, 90.0, 0f)]
    [InlineData(LearningRule.Ep, 0.0, 0.9f)]
    public void SplittingLayersIntoGroupsChangesNoBit(LearningRule rule, double angle, float momentum)
    {
        var whole = Train(new EngineProblem([13, 9, 7, 5], initAngle: angle), rule, momentum);
        var split = Train(new EngineProblem([13, 9, 7, 5], initAngle: angle, groupsPerHiddenLayer: 3), rule, momentum);
        Assert.True(whole.BitwiseEquals(split, out string? difference), $"first difference at {difference}");
    }

    [Theory]
    [InlineData(LearningRule.Vf, 0.5f)]
    [InlineData(LearningRule.Ep, 0f)]
    public void SplittingProductsOverTwoCoresChangesNoBit(LearningRule rule, float momentum)
    {
        // Large enough (20 × 784 × 256 multiply-adds) for the scheduler to split the products.
        var oneCore = Train(new EngineProblem([784, 256, 10], rows: 20, initAngle: 0), rule, momentum, threads: 1);
        var twoCores = Train(new EngineProblem([784, 256, 10], rows: 20, initAngle: 0), rule, momentum, threads: 2);
        Assert.True(oneCore.BitwiseEquals(twoCores, out string? difference), $"first difference at {difference}");
    }

    [Fact]
    public void TiedWeightsStayExactlyTransposedUnderTheSymmetricRule()
    {
        var problem = new EngineProblem([13, 9, 7, 5], initAngle: 0);
        var weights = Train(problem, LearningRule.Ep, 0.9f);
        Assert.False(weights.BitwiseEquals(problem.Weights, out _), "training must have changed the weights");
        for (int l = 1; l < problem.Network.OutputLayer; l++)
            Assert.Equal(WeightInitializer.Transpose(weights.Forward[l + 1], problem.Network.LayerSizes[l], problem.Network.LayerSizes[l + 1]),
                weights.Feedback[l]);
    }

    private static ParameterSet Train(EngineProblem problem, LearningRule rule, float momentum, int threads = 1)
    {
        using var engine = problem.CreateEngine(threads: threads);
        for (int i = 0; i < 5; i++)
        {
            var sign = i % 2 == 0 ? 1f : -1f;
            var plan = MinibatchPlan.Training(15, 4, new Dynamics.RuleApplication(rule, sign * 0.5f, i % 3 == 0, momentum));
            engine.Run(problem.Batch, plan, 0.5f, 1e-3f);
        }
        return engine.ExportWeights();
    }
}
