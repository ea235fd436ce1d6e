using EqPropActors.Core.Network;
using EqPropActors.Core.Gradients;
using Xunit.Abstractions;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>(c) The finite-β VF rule approaches its β → 0 limit ν; centering removes the O(β) error.</summary>
public class VfRuleLimitTests(ITestOutputHelper output)
{
    private const double Beta = 1e-3;

    /// <summary>
    /// ν's rows are M = g(s_j)ρ(s_pre), and the rule's factors are the same: g = 1 in the VF form, ρ'(s_j⁰) in the
    /// ρ' form (which the rule carries since the ρ' form got its own factor).
    /// </summary>
    [Theory]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf, 3)]
    [InlineData(Activation.Logistic, DynamicsForm.Vf, 3)]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf, 1)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime, 3)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime, 1)]
    public void CenteredRuleApproachesLimit_AndBeatsOneSidedRule(Activation activation, DynamicsForm form, int seed)
    {
        TestProblem problem = TestProblems.Gaussian([6, 5, 4, 3], activation, form, seed);
        RelaxationSettings settings = GradientAssertions.TightSettings;

        NetworkGradient limit = TrueGradient.VfEstimateLimit(problem.Network, problem.Inputs, problem.Targets, settings);
        NetworkGradient centered = VfRuleReference.CenteredVfUpdate(problem.Network, problem.Inputs, problem.Targets, Beta, settings);
        NetworkGradient oneSided = VfRuleReference.VfUpdate(problem.Network, problem.Inputs, problem.Targets, Beta, settings);

        double centeredAngle = Angles.Degrees(centered, limit);
        double centeredError = GradientAssertions.DistanceBetween(centered, limit);
        double oneSidedError = GradientAssertions.DistanceBetween(oneSided, limit);
        output.WriteLine($"angle(centered, ν) = {centeredAngle:E2}°, angle(one-sided, ν) = {Angles.Degrees(oneSided, limit):E2}°, " +
                         $"errors: centered {centeredError:E2}, one-sided {oneSidedError:E2}, ‖ν‖ = {Angles.Norm(limit.ToVector()):E2}");
        Assert.True(centeredAngle < 0.1, $"Centered rule at {centeredAngle}° from ν.");
        Assert.True(centeredError < 0.01 * oneSidedError, "Centering should cut the O(β) error by far more than 100×.");
    }

    [Fact]
    public void OneSidedErrorShrinksLinearlyInBeta()
    {
        TestProblem problem = TestProblems.Gaussian([5, 4, 3], Activation.Logistic, DynamicsForm.Vf, seed: 3,
            weightStd: 0.2, biasMean: 0.5, biasStd: 0.1);
        RelaxationSettings settings = GradientAssertions.TightSettings;
        NetworkGradient limit = TrueGradient.VfEstimateLimit(problem.Network, problem.Inputs, problem.Targets, settings);

        double[] errors = new[] { 1e-2, 1e-3 }
            .Select(beta => GradientAssertions.DistanceBetween(
                VfRuleReference.VfUpdate(problem.Network, problem.Inputs, problem.Targets, beta, settings), limit))
            .ToArray();

        output.WriteLine($"one-sided errors at β = 1e-2, 1e-3: {errors[0]:E3}, {errors[1]:E3}");
        Assert.InRange(errors[0] / errors[1], 8.0, 12.0);
    }
}
