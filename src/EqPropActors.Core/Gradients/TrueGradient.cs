using EqPropActors.Core.Network;
using MathNet.Numerics.LinearAlgebra;

namespace EqPropActors.Core.Gradients;

/// <summary>Both sides of Theorem 1's identity, for one sample.</summary>
/// <param name="EstimateMinusTrue">ν − (−∂J/∂θ), from the two separately computed sides.</param>
/// <param name="AsymmetryTerm">2 c J⁻ᵀ A J⁻¹ M with A = (J − Jᵀ)/2.</param>
public sealed record TheoremOneTerms(NetworkGradient EstimateMinusTrue, NetworkGradient AsymmetryTerm);

/// <summary>
/// The true descent direction −∂J/∂θ of J(θ) = C(s⁰(θ)) by the adjoint method, the β → 0 limit ν of the VF
/// estimate, and Theorem 1's identity linking them (Scellier et al. 2018; docs/algorithm.md, "What the paper claims", 1).
/// </summary>
/// <remarks>
/// Signs: at an active fixed point μ_A(s⁰(θ), θ) = 0, so J_AA ∂s_A/∂θ + M_A = 0 and ∂s_A/∂θ = −J_AA⁻¹ M_A.
/// Then ∂J/∂θ = c_A ∂s_A/∂θ = −c_A J_AA⁻¹ M_A, i.e. −∂J/∂θ = λᵀ M with J_AAᵀ λ = c_Aᵀ, where
/// c = ∂C/∂s = −(y − s_L) on output units. The nudged fixed point satisfies μ_A + β(y − s_L) = 0, so
/// ∂s_A/∂β = −J_AA⁻¹(y − s_L)_A = J_AA⁻¹ c_Aᵀ =: κ, and the VF rule's limit is ν = κᵀ M = c J⁻ᵀ M.
/// In the rho-prime form M's row carries ρ'(s_j⁰), and so does the VF rule (NeuronGroup.ApplyLearningRule), so ν is
/// the rule's limit in both forms. The symmetric-EP rule's limit is κᵀ M' with M' the rows of the rho-prime form
/// whatever the dynamics (<see cref="EpEstimateLimitAtFixedPoint"/>).
/// </remarks>
public static class TrueGradient
{
    /// <summary>−∂J/∂θ averaged over the batch; each sample's free fixed point is relaxed from zero.</summary>
    public static NetworkGradient Adjoint(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, RelaxationSettings settings) =>
        AverageOverFreeFixedPoints(network, inputs, targets, settings, AdjointAtFixedPoint);

    /// <summary>−∂J/∂θ = λᵀ M with J_AAᵀ λ = c_Aᵀ, for one sample at its free fixed point.</summary>
    public static NetworkGradient AdjointAtFixedPoint(ReferenceNetwork network, double[][] freeStates, double[] target)
    {
        var (activeSet, jacobian, costGradient) = Linearise(network, freeStates, target);
        if (activeSet.Count == 0)
            return new NetworkGradient(network.LayerSizes);
        Vector<double> adjoint = jacobian.Transpose().Solve(costGradient);
        return ParameterJacobian.ContractRows(network, freeStates, activeSet, adjoint);
    }

    /// <summary>ν = c J⁻ᵀ M averaged over the batch (free fixed points relaxed from zero).</summary>
    public static NetworkGradient VfEstimateLimit(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, RelaxationSettings settings) =>
        AverageOverFreeFixedPoints(network, inputs, targets, settings, VfEstimateLimitAtFixedPoint);

    /// <summary>ν = κᵀ M with J_AA κ = c_Aᵀ (κ = ∂s_A/∂β at β = 0), for one sample.</summary>
    public static NetworkGradient VfEstimateLimitAtFixedPoint(ReferenceNetwork network, double[][] freeStates, double[] target)
    {
        var (activeSet, jacobian, costGradient) = Linearise(network, freeStates, target);
        if (activeSet.Count == 0)
            return new NetworkGradient(network.LayerSizes);
        Vector<double> stateSensitivityToBeta = jacobian.Solve(costGradient);
        return ParameterJacobian.ContractRows(network, freeStates, activeSet, stateSensitivityToBeta);
    }

    /// <summary>
    /// The symmetric-EP rule's β → 0 limit at one sample's free fixed point, in the untied layout (its
    /// <see cref="NetworkGradient.ToTied"/> is the tied matrix's): d/dβ [ρ(s_p)ρ(s_j)] = ρ'(s_p)ρ(s_j)κ_p + ρ(s_p)ρ'(s_j)κ_j
    /// and d/dβ ρ(s_j) = ρ'(s_j)κ_j with κ = ∂s_A/∂β = J_AA⁻¹ c_Aᵀ, i.e. κᵀ M' where M' has the rows of the rho-prime
    /// form (gain ρ') whatever form the dynamics follow. It is the gradient when the dynamics are the gradient of
    /// EP's energy (tied weights; rho-prime form, or the hard sigmoid in either form), and not otherwise
    /// (docs/theorem.md, "Which combinations are exact").
    /// </summary>
    public static NetworkGradient EpEstimateLimitAtFixedPoint(ReferenceNetwork network, double[][] freeStates, double[] target)
    {
        var (activeSet, jacobian, costGradient) = Linearise(network, freeStates, target);
        if (activeSet.Count == 0)
            return new NetworkGradient(network.LayerSizes);
        Vector<double> stateSensitivityToBeta = jacobian.Solve(costGradient);
        return ParameterJacobian.ContractRows(network, freeStates, activeSet, stateSensitivityToBeta, network.RateDerivative);
    }

    /// <summary>The symmetric-EP rule's β → 0 limit averaged over the batch (untied layout; free fixed points relaxed from zero).</summary>
    public static NetworkGradient EpEstimateLimit(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, RelaxationSettings settings) =>
        AverageOverFreeFixedPoints(network, inputs, targets, settings, EpEstimateLimitAtFixedPoint);

    /// <summary>
    /// Theorem 1: ν − (−∂J/∂θ) = c (J⁻ᵀ − J⁻¹) M = 2 c J⁻ᵀ A J⁻¹ M, since J⁻ᵀ(J − Jᵀ)J⁻¹ = J⁻ᵀ − J⁻¹.
    /// The right side is evaluated as 2 wᵀ M with Jᵀ w = Aᵀ κ and J κ = cᵀ (so wᵀ = c J⁻ᵀ A J⁻¹).
    /// </summary>
    public static TheoremOneTerms TheoremOneAtFixedPoint(ReferenceNetwork network, double[][] freeStates, double[] target)
    {
        var difference = VfEstimateLimitAtFixedPoint(network, freeStates, target);
        difference.AddScaled(AdjointAtFixedPoint(network, freeStates, target), -1.0);

        var (activeSet, jacobian, costGradient) = Linearise(network, freeStates, target);
        if (activeSet.Count == 0)
            return new TheoremOneTerms(difference, new NetworkGradient(network.LayerSizes));
        Matrix<double> antisymmetricPart = 0.5 * (jacobian - jacobian.Transpose());
        Vector<double> kappa = jacobian.Solve(costGradient);
        Vector<double> rowWeights = jacobian.Transpose().Solve(antisymmetricPart.Transpose() * kappa);
        return new TheoremOneTerms(difference, ParameterJacobian.ContractRows(network, freeStates, activeSet, 2.0 * rowWeights));
    }

    /// <summary>Active set, J_AA and c_A = ∂C/∂s_A (= s_L − y on active output units, zero elsewhere).</summary>
    private static (ActiveSet ActiveSet, Matrix<double> Jacobian, Vector<double> CostGradient) Linearise(
        ReferenceNetwork network, double[][] freeStates, double[] target)
    {
        ActiveSet activeSet = ActiveSet.AtFreeFixedPoint(network, freeStates);
        Matrix<double> jacobian = JacobianAtFixedPoint.Compute(network, freeStates, activeSet);
        Vector<double> costGradient = Vector<double>.Build.Dense(activeSet.Count);
        int outputLayer = network.OutputLayer;
        for (int unit = 0; unit < network.LayerSizes[outputLayer]; unit++)
        {
            int row = activeSet.IndexOf(outputLayer, unit);
            if (row >= 0)
                costGradient[row] = -(target[unit] - freeStates[outputLayer][unit]);
        }
        return (activeSet, jacobian, costGradient);
    }

    private static NetworkGradient AverageOverFreeFixedPoints(
        ReferenceNetwork network, IReadOnlyList<double[]> inputs, IReadOnlyList<double[]> targets, RelaxationSettings settings,
        Func<ReferenceNetwork, double[][], double[], NetworkGradient> perSample)
    {
        if (inputs.Count != targets.Count || inputs.Count == 0)
            throw new ArgumentException("Need the same positive number of inputs and targets.", nameof(targets));
        var mean = new NetworkGradient(network.LayerSizes);
        for (int sample = 0; sample < inputs.Count; sample++)
        {
            double[][] freeStates = ReferenceDynamics.RequireFixedPoint(network, inputs[sample], null, 0.0, null, settings);
            mean.AddScaled(perSample(network, freeStates, targets[sample]), 1.0 / inputs.Count);
        }
        return mean;
    }
}
