using EqPropActors.Core.Network;
using MathNet.Numerics.LinearAlgebra;

namespace EqPropActors.Core.Gradients;

/// <summary>Products vᵀ M with M = ∂μ/∂θ at a free fixed point, M's rows restricted to the active units.</summary>
public static class ParameterJacobian
{
    /// <summary>
    /// Σ_a v_a ∂μ_a/∂θ, with (g = 1 in the VF form, ρ'(s_j) in the rho-prime form)
    /// ∂μ_j/∂Wff[l][p,j] = g(s_j) ρ(s_{l−1,p}), ∂μ_j/∂Wfb[l][p,j] = g(s_j) ρ(s_{l+1,p}), ∂μ_j/∂Bias[l][j] = g(s_j).
    /// Each parameter enters only the field of its postsynaptic unit, so M is one row per unit; saturated units
    /// have no row (their states do not move, see <see cref="ActiveSet"/>).
    /// </summary>
    /// <param name="gain">g in the rows above; null for the dynamics' own (<see cref="ReferenceNetwork.DriveGain"/>). The
    /// symmetric-EP rule's limit uses ρ' whatever the form (see <see cref="TrueGradient.EpEstimateLimitAtFixedPoint"/>).</param>
    public static NetworkGradient ContractRows(
        ReferenceNetwork network, double[][] freeStates, ActiveSet activeSet, Vector<double> rowWeights, Func<double, double>? gain = null)
    {
        gain ??= network.DriveGain;
        var result = new NetworkGradient(network.LayerSizes);
        int outputLayer = network.OutputLayer;
        for (int row = 0; row < activeSet.Count; row++)
        {
            (int layer, int unit) = activeSet.ActiveUnits[row];
            int size = network.LayerSizes[layer];
            double weight = rowWeights[row] * gain(freeStates[layer][unit]);
            result.Bias[layer]![unit] += weight;
            double[] forward = result.Wff[layer]!;
            for (int below = 0; below < network.LayerSizes[layer - 1]; below++)
                forward[below * size + unit] += weight * network.Rate(freeStates[layer - 1][below]);
            if (layer < outputLayer)
            {
                double[] feedback = result.Wfb[layer]!;
                for (int above = 0; above < network.LayerSizes[layer + 1]; above++)
                    feedback[above * size + unit] += weight * network.Rate(freeStates[layer + 1][above]);
            }
        }
        return result;
    }
}
