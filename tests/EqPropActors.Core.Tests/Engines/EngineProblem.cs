using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>A small seeded network with a random minibatch, and readers for what the batch engine computed.</summary>
public sealed class EngineProblem
{
    public EngineProblem(int[] layers, Activation activation = Activation.HardSigmoid, DynamicsForm form = DynamicsForm.Vf,
        double initAngle = 90, int rows = 6, int seed = 3, int groupsPerHiddenLayer = 1)
    {
        Network = new NetworkSpec(layers, activation, form, groupsPerHiddenLayer);
        Weights = WeightInitializer.Create(layers, initAngle, seed);
        var random = new Random(seed);
        // Biases away from zero so that the hidden units are neither all silent nor all saturated.
        for (int l = 1; l < layers.Length; l++)
            for (int j = 0; j < layers[l]; j++)
                Weights.Bias[l][j] = (float)(0.3 + 0.4 * random.NextDouble());
        Batch = new Minibatch(rows, Padding.RoundUp(layers[0]), Padding.RoundUp(layers[^1])) { Rows = rows };
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < layers[0]; i++)
                Batch.Inputs[r * Batch.InputStride + i] = (float)random.NextDouble();
            Batch.Labels[r] = random.Next(layers[^1]);
            Batch.Targets[r * Batch.TargetStride + Batch.Labels[r]] = 1f;
        }
    }

    public NetworkSpec Network { get; }
    public ParameterSet Weights { get; }
    public Minibatch Batch { get; }

    public BatchEngine CreateEngine(float[]? learningRates = null, int threads = 1)
    {
        var engine = new BatchEngine(Network, Batch.Rows, learningRates ?? Enumerable.Repeat(0.1f, Network.PairCount).ToArray(), threads);
        engine.LoadParameters(Weights, null);
        return engine;
    }

    public double[] Input(int row) => Enumerable.Range(0, Network.InputSize).Select(i => (double)Batch.Inputs[row * Batch.InputStride + i]).ToArray();

    public double[] Target(int row) => Enumerable.Range(0, Network.OutputSize).Select(i => (double)Batch.Targets[row * Batch.TargetStride + i]).ToArray();

    /// <summary>States of every layer (input included) at the end of the phase kept in <paramref name="slot"/>.</summary>
    public double[][] PhaseStates(BatchEngine engine, int slot, int row)
    {
        var states = new double[Network.LayerCount][];
        states[0] = Input(row);
        for (int l = 1; l < Network.LayerCount; l++)
        {
            states[l] = new double[Network.LayerSizes[l]];
            foreach (var group in Network.GroupsOf(l))
            {
                var values = engine.Groups[group.Id].PhaseStatesOf(slot);
                for (int j = 0; j < group.Size; j++)
                    states[l][group.Offset + j] = values[row * group.PaddedSize + j];
            }
        }
        return states;
    }
}
