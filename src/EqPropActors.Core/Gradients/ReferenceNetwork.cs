using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>
/// A layered VF-EP network in double precision: layers 0..L, layer 0 clamped to the input, free units in
/// layers 1..L, independent forward and feedback weights (docs/algorithm.md, "The model").
/// </summary>
public sealed class ReferenceNetwork : ParameterTensors
{
    /// <summary>All parameters start at zero.</summary>
    public ReferenceNetwork(IReadOnlyList<int> layerSizes, Activation activation, DynamicsForm form = DynamicsForm.Vf)
        : base(layerSizes)
    {
        Activation = activation;
        Form = form;
    }

    public Activation Activation { get; }

    public DynamicsForm Form { get; }

    /// <summary>ρ(s) with this network's activation.</summary>
    public double Rate(double s) => ReferenceActivation.Rate(Activation, s);

    /// <summary>ρ'(s) with this network's activation.</summary>
    public double RateDerivative(double s) => ReferenceActivation.Derivative(Activation, s);

    /// <summary>ρ''(s) with this network's activation.</summary>
    public double RateSecondDerivative(double s) => ReferenceActivation.SecondDerivative(Activation, s);

    /// <summary>
    /// ∂μ_j/∂u_j: ρ'(s_j) in the rho-prime form, 1 in the VF form. It scales every row of M = ∂μ/∂θ and of the
    /// off-diagonal Jacobian.
    /// </summary>
    public double DriveGain(double s) => Form == DynamicsForm.RhoPrime ? RateDerivative(s) : 1.0;

    /// <summary>Deep copy: no array is shared with the original.</summary>
    public ReferenceNetwork Clone()
    {
        var copy = new ReferenceNetwork(LayerSizes, Activation, Form);
        copy.CopyValuesFrom(this);
        return copy;
    }

    /// <summary>
    /// Ties the weights as in symmetric EP: Wfb[l] = transpose(Wff[l+1]), i.e.
    /// Wfb[l][q * n_l + i] = Wff[l+1][i * n_{l+1} + q] for l = 1..L−1.
    /// </summary>
    public void TieFeedbackToForward()
    {
        for (int layer = 1; layer < OutputLayer; layer++)
            Transpose(Wff[layer + 1]!, LayerSizes[layer], LayerSizes[layer + 1]).CopyTo(Wfb[layer]!, 0);
    }

    /// <summary>Transpose of a row-major [rows × columns] matrix, returned row-major [columns × rows].</summary>
    public static double[] Transpose(double[] matrix, int rows, int columns)
    {
        var result = new double[matrix.Length];
        for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++)
                result[column * rows + row] = matrix[row * columns + column];
        return result;
    }
}
