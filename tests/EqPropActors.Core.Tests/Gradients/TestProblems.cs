using EqPropActors.Core.Network;
using EqPropActors.Core.Gradients;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>A network with a batch of inputs and targets, all in [0, 1].</summary>
public sealed record TestProblem(ReferenceNetwork Network, double[][] Inputs, double[][] Targets);

/// <summary>
/// Seeded random small problems: weights ~ N(0, weightStd²), biases ~ N(biasMean, biasStd²) (biasStd defaults to
/// weightStd), inputs and targets ~ U(0, 1).
/// </summary>
public static class TestProblems
{
    public static TestProblem Gaussian(
        int[] layerSizes, Activation activation, DynamicsForm form, int seed,
        double weightStd = 0.5, double biasMean = 0.0, double? biasStd = null, int batchSize = 2, bool tied = false)
    {
        var random = new Random(seed);
        var network = new ReferenceNetwork(layerSizes, activation, form);
        foreach (TensorId tensor in network.TensorIds)
        {
            double[] values = network.Tensor(tensor);
            for (int index = 0; index < values.Length; index++)
                values[index] = tensor.Kind == TensorKind.Bias
                    ? biasMean + (biasStd ?? weightStd) * StandardNormal(random)
                    : weightStd * StandardNormal(random);
        }
        if (tied)
            network.TieFeedbackToForward();
        double[][] inputs = UniformBatch(random, batchSize, layerSizes[0]);
        double[][] targets = UniformBatch(random, batchSize, layerSizes[^1]);
        return new TestProblem(network, inputs, targets);
    }

    /// <summary>Free fixed points of every sample (throws when one does not converge).</summary>
    public static double[][][] FreeFixedPoints(TestProblem problem, RelaxationSettings settings) =>
        problem.Inputs
            .Select(input => ReferenceDynamics.RequireFixedPoint(problem.Network, input, null, 0.0, null, settings))
            .ToArray();

    /// <summary>Saturated units summed over the batch's free fixed points.</summary>
    public static int SaturatedUnits(TestProblem problem, RelaxationSettings settings) =>
        FreeFixedPoints(problem, settings).Sum(states => ActiveSet.AtFreeFixedPoint(problem.Network, states).SaturatedCount);

    private static double[][] UniformBatch(Random random, int count, int size) =>
        Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => random.NextDouble()).ToArray()).ToArray();

    /// <summary>Box–Muller; System.Random with a seed is deterministic, so every test sees fixed numbers.</summary>
    private static double StandardNormal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
