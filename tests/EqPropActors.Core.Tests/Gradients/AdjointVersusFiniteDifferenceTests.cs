using EqPropActors.Core.Network;
using EqPropActors.Core.Gradients;
using Xunit.Abstractions;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>(a) The adjoint −∂J/∂θ = λᵀM agrees with central differences of the loss (relative error &lt; 1e-5).</summary>
public class AdjointVersusFiniteDifferenceTests(ITestOutputHelper output)
{
    private const double FiniteDifferenceStep = 1e-5;
    private const double MaxRelativeError = 1e-5;

    public static TheoryData<int[], Activation, DynamicsForm, int> FewSaturatedCases => new()
    {
        { [5, 4, 3], Activation.HardSigmoid, DynamicsForm.Vf, 3 },
        { [5, 4, 3], Activation.HardSigmoid, DynamicsForm.RhoPrime, 3 },
        { [5, 4, 3], Activation.Logistic, DynamicsForm.Vf, 3 },
        { [5, 4, 3], Activation.Logistic, DynamicsForm.RhoPrime, 3 },
        { [6, 5, 4, 3], Activation.HardSigmoid, DynamicsForm.Vf, 2 },
        { [6, 5, 4, 3], Activation.Logistic, DynamicsForm.Vf, 2 },
        { [6, 5, 4, 3], Activation.Logistic, DynamicsForm.RhoPrime, 2 },
    };

    [Theory]
    [MemberData(nameof(FewSaturatedCases))]
    public void AdjointMatchesFiniteDifferences_WhenFewUnitsSaturate(int[] sizes, Activation activation, DynamicsForm form, int seed)
    {
        // Weights ~ N(0, 0.2²), biases ~ N(0.5, 0.1²): drives stay mostly inside (0, 1).
        TestProblem problem = TestProblems.Gaussian(sizes, activation, form, seed, weightStd: 0.2, biasMean: 0.5, biasStd: 0.1);
        Assert.True(TestProblems.SaturatedUnits(problem, GradientAssertions.TightSettings) <= 1, "Precondition: at most one saturated unit.");

        double relativeError = CompareAllParameters(problem);

        Assert.True(relativeError < MaxRelativeError, $"Relative error {relativeError:E2} ≥ {MaxRelativeError:E0}.");
    }

    [Theory]
    [InlineData(Activation.HardSigmoid, DynamicsForm.Vf)]
    [InlineData(Activation.HardSigmoid, DynamicsForm.RhoPrime)]
    [InlineData(Activation.Logistic, DynamicsForm.Vf)]
    [InlineData(Activation.Logistic, DynamicsForm.RhoPrime)]
    public void AdjointMatchesFiniteDifferences_WithSaturatedUnits(Activation activation, DynamicsForm form)
    {
        // Weights and biases ~ N(0, 0.5²): several units are held on a bound at the free fixed point.
        TestProblem problem = TestProblems.Gaussian([5, 4, 3], activation, form, seed: 1);
        double[][][] fixedPoints = TestProblems.FreeFixedPoints(problem, GradientAssertions.TightSettings);
        ActiveSet[] activeSets = fixedPoints.Select(states => ActiveSet.AtFreeFixedPoint(problem.Network, states)).ToArray();
        Assert.True(activeSets.Sum(set => set.SaturatedCount) >= 2, "Precondition: saturated units present.");
        Assert.All(activeSets, set => Assert.Equal(0, set.WeaklyActiveCount));

        double relativeError = CompareAllParameters(problem);

        Assert.True(relativeError < MaxRelativeError, $"Relative error {relativeError:E2} ≥ {MaxRelativeError:E0}.");
    }

    [Fact]
    public void RandomSubsetOfParameters_MatchesTheSameEntriesOfTheAdjoint()
    {
        TestProblem problem = TestProblems.Gaussian([6, 5, 4, 3], Activation.Logistic, DynamicsForm.Vf, seed: 2,
            weightStd: 0.2, biasMean: 0.5, biasStd: 0.1);
        IReadOnlyList<ParameterId> subset = FiniteDifferenceGradient.RandomSubset(problem.Network, entriesPerTensor: 3, seed: 7);
        Assert.Equal(problem.Network.TensorIds.Count() * 3, subset.Count);
        Assert.Equal(subset.Count, subset.Distinct().Count());

        double[] finiteDifferences = FiniteDifferenceGradient.NegativeLossGradient(
            problem.Network, problem.Inputs, problem.Targets, subset, FiniteDifferenceStep, GradientAssertions.TightSettings);
        double[] adjoint = TrueGradient.Adjoint(problem.Network, problem.Inputs, problem.Targets, GradientAssertions.TightSettings).Gather(subset);

        Assert.True(GradientAssertions.RelativeError(adjoint, finiteDifferences) < MaxRelativeError);
    }

    private double CompareAllParameters(TestProblem problem)
    {
        IReadOnlyList<ParameterId> all = FiniteDifferenceGradient.AllParameters(problem.Network);
        double[] finiteDifferences = FiniteDifferenceGradient.NegativeLossGradient(
            problem.Network, problem.Inputs, problem.Targets, all, FiniteDifferenceStep, GradientAssertions.TightSettings);
        double[] adjoint = TrueGradient.Adjoint(problem.Network, problem.Inputs, problem.Targets, GradientAssertions.TightSettings).Gather(all);
        double relativeError = GradientAssertions.RelativeError(adjoint, finiteDifferences);
        output.WriteLine($"relative error {relativeError:E2}, ‖−∂J/∂θ‖ = {Angles.Norm(finiteDifferences):E3}, {all.Count} parameters");
        return relativeError;
    }
}
