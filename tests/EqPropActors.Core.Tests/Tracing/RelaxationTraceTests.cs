using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tests.Engines;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Core.Tests.Tracing;

/// <summary>
/// The batch engine's relaxation recorder: it sees every step of every phase, what it recorded last in a phase is the
/// state the engine keeps for that phase, and attaching it changes no bit of what the engine computes.
/// </summary>
public sealed class RelaxationTraceTests
{
    private const float Dt = 0.5f;
    private const float Tolerance = 1e-3f;
    private static readonly RuleApplication Centered = new(LearningRule.Vf, 0.5f, Centered: true, Momentum: 0.5f);

    private static EngineProblem Problem() => new([13, 9, 7, 5], rows: 6, groupsPerHiddenLayer: 2);

    [Fact]
    public void EveryGroupHoldsOneRowPerStepSampleAndUnitAndThePhasesFollowEachOther()
    {
        var problem = Problem();
        using var engine = problem.CreateEngine();
        var trace = new RelaxationTrace(problem.Network.FreeGroups);
        engine.Recorder = trace;
        engine.Run(problem.Batch, MinibatchPlan.Training(12, 5, Centered, UpdateMode.None), Dt, Tolerance);

        Assert.Equal(12 + 5 + 5, trace.Steps);
        Assert.Equal(
            [new TracedPhase("free", 0f, 0, 12), new TracedPhase("nudged", 0.5f, 12, 5), new TracedPhase("nudged-negative", -0.5f, 17, 5)],
            trace.Phases);
        Assert.Equal(problem.Network.FreeGroups.Select(g => g.Name), trace.Groups.Select(g => g.Spec.Name));
        foreach (var group in trace.Groups)
        {
            Assert.Equal(6, group.Samples);
            Assert.Equal(trace.Steps, group.Steps);
            Assert.Equal(trace.Steps * 6 * group.Units, group.States().Length);
            Assert.Equal(trace.Steps * 6 * group.Units, group.Rates().Length);
            Assert.Equal(trace.Steps * 6, group.Residuals().Length);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheLastStepOfEachPhaseIsTheEnginesPhaseStateBitForBit(bool settling)
    {
        var problem = Problem();
        using var engine = problem.CreateEngine();
        var trace = new RelaxationTrace(problem.Network.FreeGroups);
        engine.Recorder = trace;
        var plan = settling
            ? MinibatchPlan.Training(PhaseLength.Auto, PhaseLength.Auto, Centered, UpdateMode.None)
            : MinibatchPlan.Training(15, 4, Centered, UpdateMode.None);
        var report = engine.Run(problem.Batch, plan, Dt, Tolerance);

        Assert.Equal(report.Phases.Select(p => p.Steps), trace.Phases.Select(p => p.Steps));
        int[] slots = [PhaseSlot.Free, PhaseSlot.Positive, PhaseSlot.Negative];
        for (int p = 0; p < trace.Phases.Count; p++)
        {
            int lastStep = trace.Phases[p].FirstStep + trace.Phases[p].Steps - 1;
            foreach (var group in trace.Groups)
            {
                var kept = engine.Groups[group.Spec.Id].PhaseStatesOf(slots[p]);
                int stride = group.Spec.PaddedSize;
                for (int sample = 0; sample < group.Samples; sample++)
                    for (int unit = 0; unit < group.Units; unit++)
                        Assert.True(
                            BitConverter.SingleToInt32Bits(kept[sample * stride + unit]) == BitConverter.SingleToInt32Bits(group.StateAt(lastStep, sample, unit)),
                            $"{trace.Phases[p].Name}, {group.Spec.Name}, sample {sample}, unit {unit}: engine {kept[sample * stride + unit]:R}, trace {group.StateAt(lastStep, sample, unit):R}");
            }
        }
    }

    [Fact]
    public void TheResidualIsTheLengthOfTheRecordedStepOverDt()
    {
        var problem = Problem();
        using var engine = problem.CreateEngine();
        var trace = new RelaxationTrace(problem.Network.FreeGroups);
        engine.Recorder = trace;
        engine.Run(problem.Batch, MinibatchPlan.Training(10, 4, Centered, UpdateMode.None), Dt, Tolerance);

        var nudged = trace.Phases[1];
        foreach (var group in trace.Groups)
            for (int step = nudged.FirstStep + 1; step < nudged.FirstStep + nudged.Steps; step++)
                for (int sample = 0; sample < group.Samples; sample++)
                {
                    double squared = Enumerable.Range(0, group.Units)
                        .Sum(unit => Math.Pow(group.StateAt(step, sample, unit) - group.StateAt(step - 1, sample, unit), 2));
                    Assert.Equal(Math.Sqrt(squared) / Dt, group.ResidualAt(step, sample), 1e-5);
                }
        // The state moves at the start of a relaxation: a residual of zero there would mean nothing was measured.
        Assert.All(trace.Groups, group => Assert.True(group.ResidualAt(0, 0) > 0, $"{group.Spec.Name}: residual 0 at the first step"));
    }

    [Fact]
    public void ARecordedTrainingMinibatchLearnsTheSameBitsAsAnUnrecordedOne()
    {
        var problem = Problem();
        using var plain = problem.CreateEngine();
        using var recorded = problem.CreateEngine();
        recorded.Recorder = new RelaxationTrace(problem.Network.FreeGroups.Take(1));
        var plan = MinibatchPlan.Training(12, 5, Centered);

        for (int minibatch = 0; minibatch < 2; minibatch++)
        {
            var plainReport = plain.Run(problem.Batch, plan, Dt, Tolerance);
            var recordedReport = recorded.Run(problem.Batch, plan, Dt, Tolerance);
            Assert.Equal(plainReport.Phases, recordedReport.Phases);
            Assert.Equal(plainReport.LossSum, recordedReport.LossSum);
        }
        Assert.True(plain.ExportWeights().BitwiseEquals(recorded.ExportWeights(), out string? difference), $"first difference at {difference}");
        Assert.True(plain.ExportVelocity()!.BitwiseEquals(recorded.ExportVelocity()!, out difference), $"velocity: first difference at {difference}");
    }

    [Fact]
    public void TheClampedInputCannotBeTraced()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var error = Assert.Throws<ArgumentException>(() => new RelaxationTrace(network.Groups));
        Assert.Contains("L0G0", error.Message);
    }
}
