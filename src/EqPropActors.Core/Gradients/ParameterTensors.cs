using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>
/// The parameter tensors of a layered network, shared by <see cref="ReferenceNetwork"/> (the values) and
/// <see cref="NetworkGradient"/> (a direction in the same space). Arrays are indexed by layer l; index 0 is
/// unused (null), and so is Wfb[L] (the output layer has no layer above).
/// </summary>
public abstract class ParameterTensors
{
    protected ParameterTensors(IReadOnlyList<int> layerSizes)
    {
        if (layerSizes.Count < 2 || layerSizes.Any(size => size < 1))
            throw new ArgumentException("Need at least an input and an output layer, each non-empty.", nameof(layerSizes));
        LayerSizes = layerSizes.ToArray();
        int outputLayer = LayerSizes.Length - 1;
        Wff = new double[]?[outputLayer + 1];
        Wfb = new double[]?[outputLayer + 1];
        Bias = new double[]?[outputLayer + 1];
        for (int layer = 1; layer <= outputLayer; layer++)
        {
            Wff[layer] = new double[LayerSizes[layer - 1] * LayerSizes[layer]];
            Bias[layer] = new double[LayerSizes[layer]];
            if (layer < outputLayer)
                Wfb[layer] = new double[LayerSizes[layer + 1] * LayerSizes[layer]];
        }
    }

    /// <summary>n_0 .. n_L.</summary>
    public int[] LayerSizes { get; }

    /// <summary>L, the index of the output layer.</summary>
    public int OutputLayer => LayerSizes.Length - 1;

    /// <summary>Wff[l][p * n_l + j]: synapse from unit p of layer l−1 to unit j of layer l.</summary>
    public double[]?[] Wff { get; }

    /// <summary>Wfb[l][p * n_l + j]: synapse from unit p of layer l+1 to unit j of layer l.</summary>
    public double[]?[] Wfb { get; }

    /// <summary>Bias[l][j].</summary>
    public double[]?[] Bias { get; }

    /// <summary>All tensors in canonical order: Wff[1..L], Wfb[1..L−1], Bias[1..L].</summary>
    public IEnumerable<TensorId> TensorIds
    {
        get
        {
            for (int layer = 1; layer <= OutputLayer; layer++)
                yield return new TensorId(TensorKind.Forward, layer);
            for (int layer = 1; layer < OutputLayer; layer++)
                yield return new TensorId(TensorKind.Feedback, layer);
            for (int layer = 1; layer <= OutputLayer; layer++)
                yield return new TensorId(TensorKind.Bias, layer);
        }
    }

    /// <summary>The live array behind a tensor (writes change the parameters).</summary>
    public double[] Tensor(TensorId id)
    {
        double[]?[] family = id.Kind switch
        {
            TensorKind.Forward => Wff,
            TensorKind.Feedback => Wfb,
            TensorKind.Bias => Bias,
            _ => throw new ArgumentOutOfRangeException(nameof(id)),
        };
        if (id.Layer < 0 || id.Layer >= family.Length || family[id.Layer] is not { } tensor)
            throw new ArgumentOutOfRangeException(nameof(id), $"No tensor {id} in a network with L = {OutputLayer}.");
        return tensor;
    }

    public double this[ParameterId id]
    {
        get => Tensor(id.Tensor)[id.Index];
        set => Tensor(id.Tensor)[id.Index] = value;
    }

    /// <summary>Concatenation of the selected tensors (all, in canonical order, when null).</summary>
    public double[] ToVector(IEnumerable<TensorId>? selection = null) =>
        (selection ?? TensorIds).SelectMany(Tensor).ToArray();

    /// <summary>The listed scalar entries, in the listed order.</summary>
    public double[] Gather(IEnumerable<ParameterId> parameters) => parameters.Select(id => this[id]).ToArray();

    protected void CopyValuesFrom(ParameterTensors source)
    {
        foreach (TensorId id in TensorIds)
            source.Tensor(id).CopyTo(Tensor(id), 0);
    }
}
