using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Tests.Engines;

/// <summary>
/// Phases that end once settled (--T1/--T2 auto): a phase stops at the first step after which every sample's
/// residual ‖s_t − s_{t−1}‖/dt is within the tolerance, never earlier and never later, and is then exactly a fixed
/// phase of that many steps.
/// </summary>
public sealed class SettlingPhaseTests
{
    private const float Dt = 0.5f;
    private const float Tolerance = 2e-3f;

    [Fact]
    public void AFreePhaseStopsAtTheFirstSettledStepAsTheReferenceLoopSees()
    {
        var problem = new EngineProblem([13, 9, 7, 5], initAngle: 0);
        using var engine = problem.CreateEngine();
        var report = engine.Run(problem.Batch, MinibatchPlan.Evaluation(PhaseLength.Auto), Dt, Tolerance);
        var free = report.Phases[0];
        Assert.InRange(free.Steps, 2, PhaseLength.AutoStepLimit - 1);
        Assert.Equal(0, free.NonConverged);
        Assert.True(free.MaxResidual <= Tolerance);

        // The double-precision reference loop: settled after exactly as many steps, and not one step before.
        var reference = ParameterConversion.ToReference(problem.Network, problem.Weights);
        double MaxResidual(int steps) => Enumerable.Range(0, problem.Batch.Rows)
            .Max(row => ReferenceDynamics.Relax(reference, problem.Input(row), null, 0, null, Dt, steps).Residual);
        Assert.True(MaxResidual(free.Steps) <= Tolerance * 1.001, $"the reference is not settled after {free.Steps} steps: {MaxResidual(free.Steps)}");
        Assert.True(MaxResidual(free.Steps - 1) > Tolerance * 0.999, $"the reference was settled a step earlier: {MaxResidual(free.Steps - 1)}");
    }

    [Fact]
    public void AnAutomaticMinibatchEqualsAFixedOneOfTheStepsItTook()
    {
        var problem = new EngineProblem([13, 9, 7, 5]);
        var rule = new RuleApplication(LearningRule.Vf, 0.5f, Centered: true, Momentum: 0f);
        using var automatic = problem.CreateEngine();
        var report = automatic.Run(problem.Batch, MinibatchPlan.Training(PhaseLength.Auto, PhaseLength.Auto, rule), Dt, Tolerance);
        Assert.Equal(3, report.Phases.Count);

        using var fixedLength = problem.CreateEngine();
        var phases = report.Phases;
        // The two nudged phases may settle after different numbers of steps: run them one plan each.
        var fixedPlan = MinibatchPlan.Training(phases[0].Steps, phases[1].Steps, rule);
        var negative = fixedPlan.Phases[2] with { Steps = phases[2].Steps };
        fixedPlan = fixedPlan with { Phases = [fixedPlan.Phases[0], fixedPlan.Phases[1], negative] };
        var fixedReport = fixedLength.Run(problem.Batch, fixedPlan, Dt, Tolerance);

        Assert.Equal(report.Phases, fixedReport.Phases);
        Assert.True(automatic.ExportWeights().BitwiseEquals(fixedLength.ExportWeights(), out string? difference), $"first difference at {difference}");
    }

    [Fact]
    public void APhaseThatNeverSettlesStopsAtTheLimitAndCountsItsSamples()
    {
        // A NaN synapse: residuals are NaN, which is never within the tolerance (nor is it ever trained through).
        var problem = new EngineProblem([13, 9, 5]);
        problem.Weights.Forward[1][4] = float.NaN;
        using var engine = problem.CreateEngine();
        var report = engine.Run(problem.Batch, MinibatchPlan.Evaluation(PhaseLength.Auto), Dt, Tolerance);
        Assert.Equal(PhaseLength.AutoStepLimit, report.Phases[0].Steps);
        Assert.Equal(problem.Batch.Rows, report.Phases[0].NonConverged);
    }

    [Theory]
    [InlineData("auto", true, 0)]
    [InlineData("AUTO", true, 0)]
    [InlineData("40", false, 40)]
    public void TheCommandLineSpellingsParse(string text, bool untilSettled, int steps)
    {
        var length = PhaseLength.Parse(text);
        Assert.Equal(new PhaseLength(steps, untilSettled), length);
        Assert.Equal(text.ToLowerInvariant(), length!.Value.ToString());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("4.5")]
    [InlineData("settled")]
    public void AnythingElseIsRefused(string text) => Assert.Null(PhaseLength.Parse(text));
}
