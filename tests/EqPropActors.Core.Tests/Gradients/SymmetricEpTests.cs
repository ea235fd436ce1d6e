using EqPropActors.Core.Network;
using EqPropActors.Core.Gradients;
using Xunit.Abstractions;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>(d) Symmetric EP with tied weights (rho-prime form) approaches the true tied gradient as β → 0.</summary>
public class SymmetricEpTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Activation.Logistic, 1)]
    [InlineData(Activation.Logistic, 2)]
    [InlineData(Activation.HardSigmoid, 1)]
    public void AngleToTrueTiedGradientDecreasesWithBeta(Activation activation, int seed)
    {
        TestProblem problem = TestProblems.Gaussian([6, 5, 4, 3], activation, DynamicsForm.RhoPrime, seed, tied: true);
        RelaxationSettings settings = GradientAssertions.TightSettings;
        TiedGradient trueTied = TrueGradient.Adjoint(problem.Network, problem.Inputs, problem.Targets, settings).ToTied();

        double[] angles = new[] { 0.1, 0.01, 0.001 }
            .Select(beta => Angles.Degrees(
                VfRuleReference.SymmetricEpUpdate(problem.Network, problem.Inputs, problem.Targets, beta, settings), trueTied))
            .ToArray();

        output.WriteLine($"angles at β = 0.1, 0.01, 0.001: {string.Join(", ", angles.Select(angle => angle.ToString("E3")))} degrees");
        Assert.True(angles[0] > angles[1] && angles[1] > angles[2], "Angle should decrease as β shrinks.");
        // The one-sided rule has an O(β) bias: a tenfold smaller β should give roughly a tenfold smaller angle.
        Assert.True(angles[1] / angles[2] > 5.0, $"Convergence slower than first order: {angles[1]}° → {angles[2]}°.");
        Assert.True(angles[2] < 1.0, $"Angle {angles[2]}° at β = 1e-3.");
    }

    [Fact]
    public void TiedGradientAddsTransposedFeedbackGradient()
    {
        var gradient = new NetworkGradient([2, 3, 2]);
        gradient.Wff[2]![1 * 2 + 0] = 1.0;   // from unit 1 of layer 1 to unit 0 of layer 2
        gradient.Wfb[1]![0 * 3 + 1] = 10.0;  // from unit 0 of layer 2 to unit 1 of layer 1: the same tied synapse
        gradient.Wff[1]![0] = 5.0;

        TiedGradient tied = gradient.ToTied();

        Assert.Equal(11.0, tied.Weights[2]![1 * 2 + 0]);
        Assert.Equal(5.0, tied.Weights[1]![0]);
        Assert.Equal(2, tied.Weights[2]!.Count(value => value != 0.0) + tied.Weights[1]!.Count(value => value != 0.0));
    }
}
