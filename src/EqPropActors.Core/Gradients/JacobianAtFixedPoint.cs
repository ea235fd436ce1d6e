using EqPropActors.Core.Network;
using MathNet.Numerics.LinearAlgebra;

namespace EqPropActors.Core.Gradients;

/// <summary>J_AA = ∂μ/∂s at a free fixed point, rows and columns restricted to the active units.</summary>
public static class JacobianAtFixedPoint
{
    /// <summary>
    /// With μ_j = g(s_j) u_j − s_j (g = 1 in the VF form, g = ρ' in the rho-prime form):
    /// ∂μ_j/∂s_k = g(s_j) W(k→j) ρ'(s_k) for k in the layer below (Wff) or above (Wfb), and
    /// ∂μ_j/∂s_j = g'(s_j) u_j − 1 with g' = ρ'' (rho-prime form; zero for the hard sigmoid) or 0 (VF form).
    /// Input units are clamped and saturated units have δs = 0, so neither has a column.
    /// </summary>
    public static Matrix<double> Compute(ReferenceNetwork network, double[][] freeStates, ActiveSet activeSet)
    {
        double[][] drive = ReferenceDynamics.Drive(network, freeStates);
        var jacobian = Matrix<double>.Build.Dense(activeSet.Count, activeSet.Count);
        int outputLayer = network.OutputLayer;
        for (int row = 0; row < activeSet.Count; row++)
        {
            (int layer, int unit) = activeSet.ActiveUnits[row];
            int size = network.LayerSizes[layer];
            double state = freeStates[layer][unit];
            double gain = network.DriveGain(state);
            double gainSlope = network.Form == DynamicsForm.RhoPrime ? network.RateSecondDerivative(state) : 0.0;
            jacobian[row, row] = gainSlope * drive[layer][unit] - 1.0;
            if (layer - 1 >= 1)
                AddNeighbourColumns(jacobian, row, layer - 1, gain, network.Wff[layer]!, size, network, freeStates, activeSet, unit);
            if (layer < outputLayer)
                AddNeighbourColumns(jacobian, row, layer + 1, gain, network.Wfb[layer]!, size, network, freeStates, activeSet, unit);
        }
        return jacobian;
    }

    /// <summary>
    /// ‖J − Jᵀ‖_F / ‖J‖_F of J_AA at one sample's free fixed point: how far the dynamics are from a gradient system
    /// there (0 with tied weights and the hard sigmoid or the rho-prime form, docs/theorem.md). NaN when no unit is active.
    /// </summary>
    public static double RelativeAsymmetry(ReferenceNetwork network, double[][] freeStates)
    {
        var jacobian = Compute(network, freeStates, ActiveSet.AtFreeFixedPoint(network, freeStates));
        double norm = jacobian.FrobeniusNorm();
        return norm == 0 ? double.NaN : (jacobian - jacobian.Transpose()).FrobeniusNorm() / norm;
    }

    /// <summary>Adds g(s_j) W[p, j] ρ'(s_p) for every active unit p of the neighbouring layer.</summary>
    private static void AddNeighbourColumns(
        Matrix<double> jacobian, int row, int neighbourLayer, double gain, double[] weights, int size,
        ReferenceNetwork network, double[][] freeStates, ActiveSet activeSet, int unit)
    {
        for (int presynaptic = 0; presynaptic < network.LayerSizes[neighbourLayer]; presynaptic++)
        {
            int column = activeSet.IndexOf(neighbourLayer, presynaptic);
            if (column < 0)
                continue;
            double slope = network.RateDerivative(freeStates[neighbourLayer][presynaptic]);
            jacobian[row, column] += gain * weights[presynaptic * size + unit] * slope;
        }
    }
}
