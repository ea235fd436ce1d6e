using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// The engine's local update (ΔW/α, computed by the shared outer-product kernel on padded blocks) against the rule's
/// formula written as plain double loops (VfRuleReference), applied to the same phase states.
/// </summary>
public sealed class LocalRuleTests
{
    private const double RelativeTolerance = 1e-4;

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    public void VfEstimateIsPresynapticRateTimesDisplacement(bool centered, int groups)
    {
        var problem = new EngineProblem([13, 9, 7, 5], groupsPerHiddenLayer: groups);
        var (expected, actual) = VfEstimateAndReference(problem, centered, problem.Network.Form);
        AssertClose(expected, actual);
    }

    /// <summary>
    /// The ρ' form: ∂μ_j/∂W_jp = ρ'(s_j)ρ(s_p), so the VF rule carries ρ'(s_j⁰) (docs/theorem.md). The reference written
    /// for the VF form (no ρ' factor) must then disagree, so this test fails if the engine drops the factor.
    /// </summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    public void VfEstimateInTheRhoPrimeFormCarriesRhoPrimeOfTheFreeState(bool centered, int groups)
    {
        var problem = new EngineProblem([13, 9, 7, 5], Activation.Logistic, DynamicsForm.RhoPrime, groupsPerHiddenLayer: groups);
        var (expected, actual) = VfEstimateAndReference(problem, centered, DynamicsForm.RhoPrime);
        AssertClose(expected, actual);

        var (withoutFactor, _) = VfEstimateAndReference(problem, centered, DynamicsForm.Vf);
        double scale = expected.Max(Math.Abs);
        double largestDifference = withoutFactor.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largestDifference > 100 * RelativeTolerance * scale,
            $"without ρ'(s⁰) the reference should differ from the engine, but the largest difference is {largestDifference:G3} (scale {scale:G3})");
    }

    /// <summary>
    /// The engine's VF estimate (ΔW/α) and the plain-loop reference applied to the engine's own phase states, the
    /// reference's rows taken for <paramref name="referenceForm"/> (its ρ' factor, or none).
    /// </summary>
    private static (double[] Expected, double[] Actual) VfEstimateAndReference(EngineProblem problem, bool centered, DynamicsForm referenceForm)
    {
        using var engine = problem.CreateEngine();
        const float beta = 0.3f;
        engine.Run(problem.Batch, MinibatchPlan.Training(30, 10, new RuleApplication(LearningRule.Vf, beta, centered, 0f), UpdateMode.EstimateOnly), 0.5f, 1e-3f);
        var estimate = ParameterConversion.ToGradient(engine.ExportEstimate());

        var spec = new NetworkSpec(problem.Network.LayerSizes.ToArray(), problem.Network.Activation, referenceForm);
        var reference = ParameterConversion.ToReference(spec, problem.Weights);
        var expected = new NetworkGradient(problem.Network.LayerSizes);
        int rows = problem.Batch.Rows;
        for (int row = 0; row < rows; row++)
        {
            var free = problem.PhaseStates(engine, PhaseSlot.Free, row);
            var positive = problem.PhaseStates(engine, PhaseSlot.Positive, row);
            var sample = centered
                ? VfRuleReference.CenteredVfUpdateFromStates(reference, free, positive, problem.PhaseStates(engine, PhaseSlot.Negative, row), beta)
                : VfRuleReference.VfUpdateFromStates(reference, free, positive, beta);
            expected.AddScaled(sample, 1.0 / rows);
        }
        return ([.. expected.ToVector()], [.. estimate.ToVector()]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SymmetricEstimateIsTheDifferenceOfRateProducts(bool centered)
    {
        var problem = new EngineProblem([13, 9, 7, 5], initAngle: 0, form: DynamicsForm.RhoPrime, activation: Activation.Logistic);
        using var engine = problem.CreateEngine();
        const float beta = 0.3f;
        engine.Run(problem.Batch, MinibatchPlan.Training(30, 10, new RuleApplication(LearningRule.Ep, beta, centered, 0f), UpdateMode.EstimateOnly), 0.5f, 1e-3f);
        var estimate = engine.ExportEstimate();

        var reference = ParameterConversion.ToReference(problem.Network, problem.Weights);
        var expected = new TiedGradient(problem.Network.LayerSizes);
        int rows = problem.Batch.Rows;
        for (int row = 0; row < rows; row++)
        {
            // Centered: (ρ⁺ρ⁺ − ρ⁻ρ⁻)/(2β), which is the one-sided formula between the −β and +β states with span 2β.
            var baseline = problem.PhaseStates(engine, centered ? PhaseSlot.Negative : PhaseSlot.Free, row);
            var sample = VfRuleReference.SymmetricEpUpdateFromStates(reference, baseline, problem.PhaseStates(engine, PhaseSlot.Positive, row),
                centered ? 2 * beta : beta);
            for (int l = 1; l < problem.Network.LayerCount; l++)
            {
                for (int i = 0; i < sample.Weights[l]!.Length; i++)
                    expected.Weights[l]![i] += sample.Weights[l]![i] / rows;
                for (int i = 0; i < sample.Bias[l]!.Length; i++)
                    expected.Bias[l]![i] += sample.Bias[l]![i] / rows;
            }
        }
        double[] actual = [.. Enumerable.Range(1, problem.Network.PairCount).SelectMany(l => estimate.Forward[l].Concat(estimate.Bias[l]).Select(v => (double)v))];
        double[] wanted = [.. Enumerable.Range(1, problem.Network.PairCount).SelectMany(l => expected.Weights[l]!.Concat(expected.Bias[l]!))];
        AssertClose(wanted, actual);

        // The lower layer's replica of each tied matrix received exactly the transposed estimate.
        for (int l = 1; l < problem.Network.OutputLayer; l++)
            Assert.Equal(WeightInitializer.Transpose(estimate.Forward[l + 1], problem.Network.LayerSizes[l], problem.Network.LayerSizes[l + 1]),
                estimate.Feedback[l]);
    }

    [Fact]
    public void ApplyingTheRuleAddsLearningRateTimesEstimate()
    {
        var problem = new EngineProblem([13, 9, 7, 5]);
        float[] rates = [0.2f, 0.05f, 0.01f];
        var rule = new RuleApplication(LearningRule.Vf, 0.5f, false, 0f);
        ParameterSet estimate;
        using (var estimating = problem.CreateEngine(rates))
        {
            estimating.Run(problem.Batch, MinibatchPlan.Training(20, 5, rule, UpdateMode.EstimateOnly), 0.5f, 1e-3f);
            estimate = estimating.ExportEstimate();
        }
        using var training = problem.CreateEngine(rates);
        training.Run(problem.Batch, MinibatchPlan.Training(20, 5, rule), 0.5f, 1e-3f);
        var after = training.ExportWeights();
        for (int l = 1; l < problem.Network.LayerCount; l++)
        {
            AssertStep(problem.Weights.Forward[l], after.Forward[l], estimate.Forward[l], rates[l - 1]);
            AssertStep(problem.Weights.Bias[l], after.Bias[l], estimate.Bias[l], rates[l - 1]);
            if (l < problem.Network.OutputLayer) // feedback into l belongs to the pair (l, l+1)
                AssertStep(problem.Weights.Feedback[l], after.Feedback[l], estimate.Feedback[l], rates[l]);
        }
    }

    private static void AssertStep(float[] before, float[] after, float[] estimate, float rate)
    {
        for (int i = 0; i < before.Length; i++)
            Assert.Equal(MathF.FusedMultiplyAdd(rate, estimate[i], before[i]), after[i]);
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        double scale = expected.Max(Math.Abs);
        Assert.True(scale > 1e-3, "the update should not vanish in this problem");
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= RelativeTolerance * scale,
                $"entry {i}: reference {expected[i]:R}, engine {actual[i]:R} (scale {scale:G3})");
    }
}
