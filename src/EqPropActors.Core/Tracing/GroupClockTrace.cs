using System.Diagnostics;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// What one group of the async schedule did on its own clock: for each recorded step the clock reading, the wall time
/// and the step of each source's view it integrated; for each activity it sent, when and of which step; for each
/// activity it received, when, from whom and of which step. Wall times are <see cref="Stopwatch"/> ticks, turned into
/// seconds from a common origin when written, so that the groups' timelines line up. Only the group's thread appends.
/// </summary>
public sealed class GroupClockTrace
{
    private readonly List<int> _clocks = [];
    private readonly List<long> _stepTicks = [];
    private readonly List<int> _viewSteps = [];
    private readonly List<long> _sentTicks = [];
    private readonly List<int> _sentSteps = [];
    private readonly List<int> _sentPhases = [];
    private readonly List<long> _receivedTicks = [];
    private readonly List<int> _receivedSources = [];
    private readonly List<int> _receivedSteps = [];
    private readonly List<int> _receivedPhases = [];

    /// <summary>The group ids of the sources, in the column order of <see cref="ViewSteps"/> (empty before the first step).</summary>
    public IReadOnlyList<int> SourceIds { get; private set; } = [];

    public int Steps => _clocks.Count;
    public int SentCount => _sentSteps.Count;
    public int ReceivedCount => _receivedSteps.Count;

    /// <summary>[steps]: the group's clock when it took each step.</summary>
    public int[] Clocks() => [.. _clocks];

    /// <summary>[steps, sources], row-major: the sender's step of each view a step integrated.</summary>
    public int[] ViewSteps() => [.. _viewSteps];

    public int[] SentSteps() => [.. _sentSteps];

    /// <summary>The phase index of each activity sent (a step number counts from 0 in every phase).</summary>
    public int[] SentPhases() => [.. _sentPhases];

    public int[] ReceivedPhases() => [.. _receivedPhases];

    public int[] ReceivedSources() => [.. _receivedSources];

    public int[] ReceivedSteps() => [.. _receivedSteps];

    public double[] StepSeconds(long origin) => Seconds(_stepTicks, origin);

    public double[] SentSeconds(long origin) => Seconds(_sentTicks, origin);

    public double[] ReceivedSeconds(long origin) => Seconds(_receivedTicks, origin);

    /// <summary>The earliest wall time recorded (long.MaxValue when nothing was).</summary>
    public long FirstTick => Math.Min(_stepTicks.DefaultIfEmpty(long.MaxValue).Min(),
        Math.Min(_sentTicks.DefaultIfEmpty(long.MaxValue).Min(), _receivedTicks.DefaultIfEmpty(long.MaxValue).Min()));

    /// <summary>The raw wall times (<see cref="Stopwatch"/> ticks of the recording process), for <see cref="GroupTraceTransfer"/>.</summary>
    internal IReadOnlyList<long> StepTicks => _stepTicks;
    internal IReadOnlyList<long> SentTicks => _sentTicks;
    internal IReadOnlyList<long> ReceivedTicks => _receivedTicks;

    /// <summary>A clock recorded by another process, its wall times already moved onto this process's ticks.</summary>
    internal static GroupClockTrace Restore(int[] sourceIds, int[] clocks, long[] stepTicks, int[] viewSteps,
        long[] sentTicks, int[] sentSteps, int[] sentPhases, long[] receivedTicks, int[] receivedSources, int[] receivedSteps, int[] receivedPhases)
    {
        var clock = new GroupClockTrace { SourceIds = sourceIds };
        clock._clocks.AddRange(clocks);
        clock._stepTicks.AddRange(stepTicks);
        clock._viewSteps.AddRange(viewSteps);
        clock._sentTicks.AddRange(sentTicks);
        clock._sentSteps.AddRange(sentSteps);
        clock._sentPhases.AddRange(sentPhases);
        clock._receivedTicks.AddRange(receivedTicks);
        clock._receivedSources.AddRange(receivedSources);
        clock._receivedSteps.AddRange(receivedSteps);
        clock._receivedPhases.AddRange(receivedPhases);
        return clock;
    }

    internal void StepTaken(int clock, ReadOnlySpan<int> viewSteps, ReadOnlySpan<int> sourceIds)
    {
        if (SourceIds.Count == 0)
            SourceIds = sourceIds.ToArray();
        else if (!sourceIds.SequenceEqual(SourceIds.ToArray()))
            throw new InvalidOperationException($"the sources of a group changed between steps: {string.Join(',', SourceIds)}, then {string.Join(',', sourceIds.ToArray())}");
        _clocks.Add(clock);
        _stepTicks.Add(Stopwatch.GetTimestamp());
        _viewSteps.AddRange(viewSteps);
    }

    internal void Sent(int phaseIndex, int step)
    {
        _sentPhases.Add(phaseIndex);
        _sentTicks.Add(Stopwatch.GetTimestamp());
        _sentSteps.Add(step);
    }

    internal void ReceivedFrom(int phaseIndex, int sourceId, int step)
    {
        _receivedPhases.Add(phaseIndex);
        _receivedTicks.Add(Stopwatch.GetTimestamp());
        _receivedSources.Add(sourceId);
        _receivedSteps.Add(step);
    }

    private static double[] Seconds(List<long> ticks, long origin) =>
        ticks.Select(t => (t - origin) / (double)Stopwatch.Frequency).ToArray();
}
