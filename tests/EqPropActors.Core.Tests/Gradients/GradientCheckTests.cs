using EqPropActors.Core.Data;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>
/// Theorem 1 as the gradcheck command measures it: the engine's local update (float32, shared kernel, finite β)
/// against the true gradient (double-precision adjoint), on a real minibatch of the synthetic data set.
/// </summary>
public sealed class GradientCheckTests
{
    private static readonly Dataset Data = SyntheticDataset.Generate(trainCount: 20, testCount: 10).Train;

    private static GradientCheckSettings Settings(LearningRule rule, DynamicsForm form = DynamicsForm.Vf, Activation activation = Activation.HardSigmoid,
        float beta = 0.001f, params double[] angles) => new()
    {
        Layers = [784, 24, 10],
        Activation = activation,
        Form = form,
        Rules = [rule],
        InitAnglesDegrees = angles.Length == 0 ? [0] : angles,
        Beta = beta,
        FreeSteps = 400,
        NudgedSteps = 400,
        BatchSize = 8,
    };

    [Fact]
    public void VfRuleWithTiedInitialWeightsFollowsTheGradient()
    {
        var rows = GradientCheck.Run(Settings(LearningRule.Vf), Data);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.True(row.CenteredAngleDeg < 1.0, $"layer {row.Layer}: {row.CenteredAngleDeg:F3}° from the true gradient"));
        Assert.All(rows, row => Assert.True(row.TheoryAngleDeg < 1e-6, $"theory says 0 for a symmetric Jacobian, got {row.TheoryAngleDeg}"));
    }

    [Fact]
    public void AsymmetryTakesTheUpdateAwayFromTheGradientAsTheTheoremPredicts()
    {
        var rows = GradientCheck.Run(Settings(LearningRule.Vf, angles: [0, 15, 30, 90]), Data);
        double Angle(double init, int layer) => rows.Single(r => r.InitAngleDeg == init && r.Layer == layer).CenteredAngleDeg;
        for (int layer = 1; layer <= 2; layer++)
        {
            Assert.True(Angle(0, layer) < Angle(15, layer) && Angle(15, layer) < Angle(30, layer),
                $"layer {layer}: angles {Angle(0, layer):F2}°, {Angle(15, layer):F2}°, {Angle(30, layer):F2}° should grow with the initial asymmetry");
            Assert.True(Angle(90, layer) > Angle(0, layer) + 5, $"layer {layer}: independent weights {Angle(90, layer):F2}° vs tied {Angle(0, layer):F2}°");
        }
        // The measured update and Theorem 1's β → 0 limit (computed independently) agree for every asymmetry.
        Assert.All(rows, row => Assert.True(Math.Abs(row.CenteredAngleDeg - row.TheoryAngleDeg) < 1.5,
            $"init {row.InitAngleDeg}°, layer {row.Layer}: measured {row.CenteredAngleDeg:F2}° but theory {row.TheoryAngleDeg:F2}°"));
    }

    [Fact]
    public void SymmetricEpApproachesTheGradientAsBetaShrinks()
    {
        double[] angles = new[] { 0.1f, 0.01f, 0.001f }
            .Select(beta => GradientCheck.Run(Settings(LearningRule.Ep, DynamicsForm.RhoPrime, Activation.Logistic, beta), Data).Max(r => r.OneSidedAngleDeg))
            .ToArray();
        Assert.True(angles[0] > angles[1] && angles[1] > angles[2], $"one-sided angles {string.Join(", ", angles.Select(a => a.ToString("F3")))} should shrink with β");
        Assert.True(angles[2] < 1.0, $"at β = 0.001 the symmetric update is {angles[2]:F3}° from the gradient");
    }

    /// <summary>
    /// The theory column against the engine's measurement, per form, with tied weights: 0 where the dynamics are the
    /// energy's gradient (logistic with the ρ' form), a computed nonzero limit where they are not (logistic, VF form),
    /// and the engine's centered estimate at small β within a degree of it either way. Before the ρ' factor entered
    /// the VF rule, vf in the ρ' form measured 6–8° against a theory of 0; before the ep limit was computed, ep in the
    /// VF form measured 6–12° against a stated 0.
    /// </summary>
    [Theory]
    [InlineData(LearningRule.Vf, DynamicsForm.RhoPrime)]
    [InlineData(LearningRule.Ep, DynamicsForm.RhoPrime)]
    [InlineData(LearningRule.Vf, DynamicsForm.Vf)]
    [InlineData(LearningRule.Ep, DynamicsForm.Vf)]
    public void TheoryColumnPredictsTheLogisticMeasurementInBothForms(LearningRule rule, DynamicsForm form)
    {
        var rows = GradientCheck.Run(Settings(rule, form, Activation.Logistic) with { FreeSteps = 1000, NudgedSteps = 1000 }, Data);
        bool exact = form == DynamicsForm.RhoPrime;
        Assert.All(rows, row =>
        {
            Assert.True(exact ? row.TheoryAngleDeg < 1e-6 : row.TheoryAngleDeg > 0.5,
                $"layer {row.Layer}: theory {row.TheoryAngleDeg}° ({row.TheoryBasis})");
            Assert.True(Math.Abs(row.CenteredAngleDeg - row.TheoryAngleDeg) < 1.0,
                $"layer {row.Layer}: measured {row.CenteredAngleDeg:F3}° but theory {row.TheoryAngleDeg:F3}° ({row.TheoryBasis})");
            Assert.StartsWith(exact ? "exact" : rule == LearningRule.Vf ? "Theorem 1" : "EP limit off", row.TheoryBasis);
        });
    }

    [Fact]
    public void AdjointGradientAgreesWithFiniteDifferencesOfTheLoss()
    {
        var settings = Settings(LearningRule.Vf, angles: [45]) with { Layers = [784, 12, 10], BatchSize = 3, FiniteDifferenceEntries = 6 };
        var rows = GradientCheck.Run(settings, Data);
        Assert.All(rows, row => Assert.True(row.FiniteDifferenceAngleDeg < 0.01, $"layer {row.Layer}: adjoint vs finite differences {row.FiniteDifferenceAngleDeg}°"));
    }
}
