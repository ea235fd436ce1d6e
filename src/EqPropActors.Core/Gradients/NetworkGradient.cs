using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>
/// A direction in parameter space with the shapes of a <see cref="ReferenceNetwork"/>'s tensors
/// (a gradient, a learning-rule update, or a difference of those).
/// </summary>
public sealed class NetworkGradient : ParameterTensors
{
    /// <summary>All entries zero.</summary>
    public NetworkGradient(IReadOnlyList<int> layerSizes) : base(layerSizes)
    {
    }

    /// <summary>this += weight · other, entry by entry (used to average over a batch).</summary>
    public void AddScaled(NetworkGradient other, double weight)
    {
        foreach (TensorId id in TensorIds)
        {
            double[] target = Tensor(id);
            double[] source = other.Tensor(id);
            for (int index = 0; index < target.Length; index++)
                target[index] += weight * source[index];
        }
    }

    /// <summary>
    /// The gradient with respect to the tied matrix W[l] = Wff[l] when Wfb[l−1] = transpose(W[l]):
    /// by the chain rule grad W[l] = grad Wff[l] + transpose(grad Wfb[l−1]) (no Wfb[0]: the input is clamped).
    /// </summary>
    public TiedGradient ToTied()
    {
        var tied = new TiedGradient(LayerSizes);
        for (int layer = 1; layer <= OutputLayer; layer++)
        {
            double[] weights = tied.Weights[layer]!;
            Wff[layer]!.CopyTo(weights, 0);
            if (layer >= 2)
            {
                double[] feedbackTransposed = ReferenceNetwork.Transpose(Wfb[layer - 1]!, LayerSizes[layer], LayerSizes[layer - 1]);
                for (int index = 0; index < weights.Length; index++)
                    weights[index] += feedbackTransposed[index];
            }
            Bias[layer]!.CopyTo(tied.Bias[layer]!, 0);
        }
        return tied;
    }
}

/// <summary>
/// A direction for a network with tied weights (symmetric EP): one matrix W[l] per layer pair, row-major
/// [n_{l−1} × n_l] like Wff[l], and the biases.
/// </summary>
public sealed class TiedGradient
{
    /// <summary>All entries zero.</summary>
    public TiedGradient(IReadOnlyList<int> layerSizes)
    {
        LayerSizes = layerSizes.ToArray();
        int outputLayer = LayerSizes.Length - 1;
        Weights = new double[]?[outputLayer + 1];
        Bias = new double[]?[outputLayer + 1];
        for (int layer = 1; layer <= outputLayer; layer++)
        {
            Weights[layer] = new double[LayerSizes[layer - 1] * LayerSizes[layer]];
            Bias[layer] = new double[LayerSizes[layer]];
        }
    }

    public int[] LayerSizes { get; }

    /// <summary>W[l][p * n_l + j], l = 1..L (index 0 unused).</summary>
    public double[]?[] Weights { get; }

    /// <summary>Bias[l][j], l = 1..L (index 0 unused).</summary>
    public double[]?[] Bias { get; }

    /// <summary>W[1..L] then Bias[1..L], concatenated.</summary>
    public double[] ToVector() =>
        Weights.Skip(1).Concat(Bias.Skip(1)).SelectMany(tensor => tensor!).ToArray();
}
