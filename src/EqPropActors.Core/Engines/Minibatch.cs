using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;
using EqPropActors.Core.Randomness;

namespace EqPropActors.Core.Engines;

/// <summary>
/// A minibatch as the engines consume it: clamped inputs [rows × input stride], one-hot targets
/// [rows × output stride] (strides padded, padding zero), and the labels. Buffers are reused between minibatches.
/// </summary>
public sealed class Minibatch
{
    public Minibatch(int maxRows, int inputStride, int targetStride)
    {
        MaxRows = maxRows;
        InputStride = inputStride;
        TargetStride = targetStride;
        Inputs = new float[maxRows * inputStride];
        Targets = new float[maxRows * targetStride];
        Labels = new int[maxRows];
        SampleIndices = new int[maxRows];
    }

    public int MaxRows { get; }
    public int Rows { get; set; }
    public int InputStride { get; }
    public int TargetStride { get; }
    public float[] Inputs { get; }
    public float[] Targets { get; }
    public int[] Labels { get; }

    /// <summary>Which samples of the data set the rows are (for persistent particles).</summary>
    public int[] SampleIndices { get; }

    /// <summary>
    /// Persistent particles (EP 2017): when set, per layer l ≥ 1 a [rows × n_l] array of states that the free phase
    /// starts from, overwritten with the free fixed point reached. Null: every free phase starts from zero.
    /// </summary>
    public float[][]? Particles { get; set; }

    /// <summary>Makes the rows the samples of <paramref name="data"/> at <paramref name="indices"/>: inputs, one-hot
    /// targets, labels and sample indices (particles are left to the caller).</summary>
    public void Load(Data.Dataset data, ReadOnlySpan<int> indices)
    {
        Rows = indices.Length;
        data.CopyBatch(indices, Inputs, InputStride, Targets, TargetStride);
        for (int i = 0; i < indices.Length; i++)
        {
            Labels[i] = data.Labels[indices[i]];
            SampleIndices[i] = indices[i];
        }
    }

    /// <summary>Random inputs in [0, 1), labels cycling over the classes, one-hot targets: for benchmarks.</summary>
    public static Minibatch Random(NetworkSpec network, int rows, int seed)
    {
        var batch = new Minibatch(rows, Padding.RoundUp(network.InputSize), Padding.RoundUp(network.OutputSize)) { Rows = rows };
        var random = SeedDerivation.Generator(seed, "random-minibatch");
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < network.InputSize; i++)
                batch.Inputs[r * batch.InputStride + i] = (float)random.NextDouble();
            batch.Labels[r] = r % network.OutputSize;
            batch.Targets[r * batch.TargetStride + batch.Labels[r]] = 1f;
        }
        return batch;
    }
}
