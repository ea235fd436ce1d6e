using EqPropActors.Core.Network;
using EqPropActors.Core.Gradients;
using Xunit.Abstractions;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>(b) Theorem 1: ν = c J⁻ᵀ M equals −∂J/∂θ = c J⁻¹ M iff J is symmetric; the gap is 2 c J⁻ᵀ A J⁻¹ M.</summary>
public class TheoremOneTests(ITestOutputHelper output)
{
    private static readonly RelaxationSettings Settings = GradientAssertions.TightSettings;

    /// <summary>
    /// Tied weights make J symmetric in exactly two cases: the VF form with the hard sigmoid
    /// (J_AA = W_AA − I since ρ' = 1 on [0, 1]) and the rho-prime form (J_jk = ρ'(s_j) W_jk ρ'(s_k), diagonal
    /// ρ''u − 1). The VF form with the logistic is *not* symmetric even with tied weights.
    /// </summary>
    [Theory]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime)]
    public void TiedWeights_VfLimitEqualsTrueGradient(Activation activation, DynamicsForm form)
    {
        TestProblem problem = TestProblems.Gaussian([6, 5, 4, 3], activation, form, seed: 1, tied: true);

        double angle = Angles.Degrees(
            TrueGradient.VfEstimateLimit(problem.Network, problem.Inputs, problem.Targets, Settings),
            TrueGradient.Adjoint(problem.Network, problem.Inputs, problem.Targets, Settings));

        output.WriteLine($"angle(ν, −∂J/∂θ) = {angle:E2}°");
        Assert.True(angle < 1e-6, $"Angle {angle}° between ν and −∂J/∂θ with tied weights.");
    }

    [Fact]
    public void TiedWeightsWithLogisticInVfForm_JacobianIsAsymmetric_SoTheyDiffer()
    {
        TestProblem problem = TestProblems.Gaussian([6, 5, 4, 3], Activation.Logistic, DynamicsForm.Vf, seed: 1, tied: true);

        double angle = Angles.Degrees(
            TrueGradient.VfEstimateLimit(problem.Network, problem.Inputs, problem.Targets, Settings),
            TrueGradient.Adjoint(problem.Network, problem.Inputs, problem.Targets, Settings));

        output.WriteLine($"angle(ν, −∂J/∂θ) = {angle:F3}°");
        Assert.True(angle > 0.1, $"Angle {angle}° unexpectedly small: J = W diag(ρ') − I is not symmetric.");
    }

    [Theory]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf)]
    [InlineData(Activation.Logistic, DynamicsForm.Vf)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime)]
    public void IndependentWeights_EstimateDiffersAndTheIdentityHolds(Activation activation, DynamicsForm form)
    {
        TestProblem problem = TestProblems.Gaussian([6, 5, 4, 3], activation, form, seed: 3);

        double angle = Angles.Degrees(
            TrueGradient.VfEstimateLimit(problem.Network, problem.Inputs, problem.Targets, Settings),
            TrueGradient.Adjoint(problem.Network, problem.Inputs, problem.Targets, Settings));
        output.WriteLine($"angle(ν, −∂J/∂θ) = {angle:F3}°");
        Assert.True(angle > 1.0, $"Angle {angle}° too small for independent weights.");

        double[][][] fixedPoints = TestProblems.FreeFixedPoints(problem, Settings);
        for (int sample = 0; sample < fixedPoints.Length; sample++)
        {
            TheoremOneTerms terms = TrueGradient.TheoremOneAtFixedPoint(problem.Network, fixedPoints[sample], problem.Targets[sample]);
            double gap = Angles.Norm(terms.EstimateMinusTrue.ToVector());
            double mismatch = GradientAssertions.DistanceBetween(terms.EstimateMinusTrue, terms.AsymmetryTerm);
            output.WriteLine($"‖ν − (−∂J/∂θ)‖ = {gap:E3}, ‖difference − 2cJ⁻ᵀAJ⁻¹M‖ = {mismatch:E2}");
            Assert.True(gap > 1e-3, "The asymmetric part should produce a visible gap.");
            Assert.True(mismatch < 1e-9, $"Identity violated by {mismatch:E2}.");
        }
    }
}
