using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Tests.Engines;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Core.Tests.Tracing;

/// <summary>
/// A group's record as bytes (how a cluster worker hands it to the coordinator): restored, it is the recorded one bit
/// for bit, with its clock's wall times on this process's stopwatch; a truncated, padded or misaddressed record is
/// refused instead of read as something else.
/// </summary>
public sealed class GroupTraceTransferTests
{
    /// <summary>Three steps of the first group as an async group records them (clock, views and messages), with states
    /// that use every bit: random values, a negative zero, a subnormal.</summary>
    private static (EngineProblem Problem, GroupwiseTrace Recorded) Recorded()
    {
        var problem = new EngineProblem([13, 9, 7, 5], rows: 6, groupsPerHiddenLayer: 2);
        var spec = problem.Network.FreeGroups.First();
        var group = new NeuronGroup(problem.Network, spec, 6, Enumerable.Repeat(0.1f, problem.Network.PairCount).ToArray());
        group.BeginMinibatch(6, ReadOnlySpan<float>.Empty);
        var random = new Random(7);
        var recorded = new GroupwiseTrace(problem.Network.FreeGroups);
        void Step(int phase, int clock, int[] views)
        {
            var states = Enumerable.Range(0, 6 * group.Stride).Select(_ => (float)random.NextDouble() * 2 - 0.5f).ToArray();
            (states[0], states[1]) = (-0f, float.Epsilon);
            group.SetStates(states);
            recorded.AsyncStepTaken(group, phase, 0.25f, clock, views, [0, 3]);
        }
        recorded.ActivitySent(spec.Id, 0, 0);
        Step(0, 0, [0, 0]);
        recorded.ActivityReceived(spec.Id, 0, 3, 1);
        Step(0, 2, [1, 1]);
        recorded.ActivitySent(spec.Id, 0, 3);
        Step(1, 0, [0, 1]);
        return (problem, recorded);
    }

    [Fact]
    public void ARestoredRecordIsTheRecordedOneBitForBit()
    {
        var (problem, recorded) = Recorded();
        var original = recorded.Groups[0];
        var copy = new GroupwiseTrace(problem.Network.FreeGroups).Groups[0];

        GroupTraceTransfer.Restore(copy, GroupTraceTransfer.Encode(original));

        Assert.Equal(original.Samples, copy.Samples);
        Assert.Equal(original.StepsPerPhase, copy.StepsPerPhase);
        Assert.Equal(Enumerable.Range(0, original.Steps).Select(original.PhaseOf), Enumerable.Range(0, copy.Steps).Select(copy.PhaseOf));
        Assert.Equal(Enumerable.Range(0, original.Steps).Select(original.ClockOf), Enumerable.Range(0, copy.Steps).Select(copy.ClockOf));
        Assert.Equal(Bits(original.States()), Bits(copy.States()));
        Assert.Equal(Bits(original.Rates()), Bits(copy.Rates()));
        Assert.Equal(Bits(original.Residuals()), Bits(copy.Residuals()));
        var (clock, copied) = (original.Clock!, copy.Clock!);
        Assert.Equal(clock.SourceIds, copied.SourceIds);
        Assert.Equal(clock.Clocks(), copied.Clocks());
        Assert.Equal(clock.ViewSteps(), copied.ViewSteps());
        Assert.Equal(clock.SentSteps(), copied.SentSteps());
        Assert.Equal(clock.SentPhases(), copied.SentPhases());
        Assert.Equal(clock.ReceivedSources(), copied.ReceivedSources());
        Assert.Equal(clock.ReceivedSteps(), copied.ReceivedSteps());
        Assert.Equal(clock.ReceivedPhases(), copied.ReceivedPhases());
        // Recorded in this process: moved through UTC onto the same stopwatch, the times agree within a millisecond.
        long origin = clock.FirstTick;
        foreach (var (expected, actual) in new[]
                 {
                     (clock.StepSeconds(origin), copied.StepSeconds(origin)), (clock.SentSeconds(origin), copied.SentSeconds(origin)),
                     (clock.ReceivedSeconds(origin), copied.ReceivedSeconds(origin)),
                 })
        {
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(expected.Zip(actual), pair => Assert.InRange(pair.Second - pair.First, -1e-3, 1e-3));
        }
    }

    [Fact]
    public void ARestoreReplacesWhatTheTraceHeld()
    {
        var (problem, recorded) = Recorded();
        var copy = new GroupwiseTrace(problem.Network.FreeGroups).Groups[0];
        var bytes = GroupTraceTransfer.Encode(recorded.Groups[0]);

        GroupTraceTransfer.Restore(copy, bytes);
        GroupTraceTransfer.Restore(copy, bytes); // a minibatch run again after a lost worker: the second gathering replaces the first

        Assert.Equal(recorded.Groups[0].Steps, copy.Steps);
        Assert.Equal(recorded.Groups[0].Clock!.SentCount, copy.Clock!.SentCount);
    }

    [Fact]
    public void TruncatedPaddedOrMisaddressedRecordsAreRefused()
    {
        var (problem, recorded) = Recorded();
        var bytes = GroupTraceTransfer.Encode(recorded.Groups[0]);
        var groups = new GroupwiseTrace(problem.Network.FreeGroups).Groups;

        var truncated = Assert.Throws<InvalidDataException>(() => GroupTraceTransfer.Restore(groups[0], bytes[..^3]));
        Assert.Contains(groups[0].Spec.Name, truncated.Message);
        var padded = Assert.Throws<InvalidDataException>(() => GroupTraceTransfer.Restore(groups[0], [.. bytes, 0]));
        Assert.Contains("1 bytes after its end", padded.Message);
        var misaddressed = Assert.Throws<InvalidDataException>(() => GroupTraceTransfer.Restore(groups[1], bytes));
        Assert.Contains($"offered as that of {groups[1].Spec.Name}", misaddressed.Message);
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
