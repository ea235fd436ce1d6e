namespace EqPropActors.Core.Network;

/// <summary>
/// One value per synapse and bias of a layered network, as full unpadded row-major matrices: the exchange format
/// between engines, checkpoints and the reference gradient (engines keep their own padded per-group blocks).
/// <list type="bullet">
/// <item><c>Forward[l]</c>, l = 1..L: [n_{l−1} × n_l]; entry (p, j) is the synapse from unit p of layer l−1 to unit j of layer l.</item>
/// <item><c>Feedback[l]</c>, l = 1..L−1: [n_{l+1} × n_l]; entry (p, j) is the synapse from unit p of layer l+1 to unit j of layer l.</item>
/// <item><c>Bias[l]</c>, l = 1..L: n_l values.</item>
/// </list>
/// Index 0 (and <c>Feedback[L]</c>) is an empty array.
/// The same class holds weights, optimizer velocities and gradient estimates.
/// </summary>
public sealed class ParameterSet
{
    private ParameterSet(IReadOnlyList<int> layerSizes, float[][] forward, float[][] feedback, float[][] bias)
    {
        LayerSizes = layerSizes.ToArray();
        Forward = forward;
        Feedback = feedback;
        Bias = bias;
    }

    public IReadOnlyList<int> LayerSizes { get; }
    public float[][] Forward { get; }
    public float[][] Feedback { get; }
    public float[][] Bias { get; }

    public int PairCount => LayerSizes.Count - 1;

    public static ParameterSet Zeros(IReadOnlyList<int> layerSizes)
    {
        int layers = layerSizes.Count;
        var forward = new float[layers][];
        var feedback = new float[layers][];
        var bias = new float[layers][];
        forward[0] = feedback[0] = bias[0] = [];
        for (int l = 1; l < layers; l++)
        {
            forward[l] = new float[layerSizes[l - 1] * layerSizes[l]];
            feedback[l] = l < layers - 1 ? new float[layerSizes[l + 1] * layerSizes[l]] : [];
            bias[l] = new float[layerSizes[l]];
        }
        return new ParameterSet(layerSizes, forward, feedback, bias);
    }

    public ParameterSet Clone() => new(LayerSizes,
        Forward.Select(a => (float[])a.Clone()).ToArray(),
        Feedback.Select(a => (float[])a.Clone()).ToArray(),
        Bias.Select(a => (float[])a.Clone()).ToArray());

    /// <summary>Every tensor with a stable name (Wff1, Wfb1, b1, ...), in a fixed order.</summary>
    public IEnumerable<(string Name, float[] Values, int Rows, int Columns)> Tensors()
    {
        for (int l = 1; l < LayerSizes.Count; l++)
        {
            yield return ($"Wff{l}", Forward[l], LayerSizes[l - 1], LayerSizes[l]);
            if (l < LayerSizes.Count - 1)
                yield return ($"Wfb{l}", Feedback[l], LayerSizes[l + 1], LayerSizes[l]);
            yield return ($"b{l}", Bias[l], 1, LayerSizes[l]);
        }
    }

    public bool BitwiseEquals(ParameterSet other, out string? firstDifference)
    {
        foreach (var ((name, mine, _, _), (_, theirs, _, _)) in Tensors().Zip(other.Tensors()))
        {
            // Compare bit patterns: float equality would call −0 equal to +0 and NaN unequal to itself.
            var mineBits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(mine);
            var theirBits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(theirs);
            int index = mineBits.CommonPrefixLength(theirBits);
            if (index < mine.Length || mine.Length != theirs.Length)
            {
                firstDifference = $"{name}[{index}]";
                return false;
            }
        }
        firstDifference = null;
        return true;
    }
}
