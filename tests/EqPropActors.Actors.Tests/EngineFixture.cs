using EqPropActors.Core.Engines;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

/// <summary>A small seeded problem: network, initial weights and a few random minibatches.</summary>
public sealed class EngineFixture
{
    public EngineFixture(int[] layers, int groupsPerHiddenLayer = 1, double initAngle = 90, int rows = 8, int batches = 4, int seed = 5,
        Activation activation = Activation.HardSigmoid, DynamicsForm form = DynamicsForm.Vf)
    {
        Network = new NetworkSpec(layers, activation, form, groupsPerHiddenLayer);
        Weights = WeightInitializer.Create(layers, initAngle, seed);
        var random = new Random(seed);
        for (int l = 1; l < layers.Length; l++)
            for (int j = 0; j < layers[l]; j++)
                Weights.Bias[l][j] = (float)(0.2 + 0.4 * random.NextDouble());
        Batches = Enumerable.Range(0, batches).Select(_ =>
        {
            var batch = new Minibatch(rows, Padding.RoundUp(layers[0]), Padding.RoundUp(layers[^1])) { Rows = rows };
            for (int r = 0; r < rows; r++)
            {
                for (int i = 0; i < layers[0]; i++)
                    batch.Inputs[r * batch.InputStride + i] = (float)random.NextDouble();
                batch.Labels[r] = random.Next(layers[^1]);
                batch.Targets[r * batch.TargetStride + batch.Labels[r]] = 1f;
            }
            return batch;
        }).ToArray();
    }

    public NetworkSpec Network { get; }
    public ParameterSet Weights { get; }
    public Minibatch[] Batches { get; }
    public float[] LearningRates => Enumerable.Repeat(0.2f, Network.PairCount).ToArray();

    public static IEngine Batch(NetworkSpec network, int rows, float[] rates) => new BatchEngine(network, rows, rates);

    public static IEngine Actors(NetworkSpec network, int rows, float[] rates) => new ActorEngine(network, rows, rates, timeout: TimeSpan.FromSeconds(20));
}
