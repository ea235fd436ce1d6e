namespace EqPropActors.Core.Engines;

/// <summary>
/// What a distributed engine's groups did in a minibatch (zero for the batch engine): activity messages and
/// payload bytes sent, messages held back by event-driven sending, group steps, phases, and the staleness of the
/// activity integrated (in the receiver's steps; 0 under the synchronous schedule), and messages lost on lossy channels.
/// Async, per sample and phase: the residual of the phase's end state against fresh neighbour states (summed, and
/// counted), and how many phases a sample ended on stale information (settled by its own views, not by fresh ones).
/// </summary>
public sealed record EngineStatistics(long Messages, long Bytes, long Suppressed, long GroupSteps, long GroupPhases, long StalenessSum, long StalenessCount,
    double PhaseSeconds, long Lost = 0, double FreshResidualSum = 0, long FreshResidualCount = 0, long StaleEndedPhases = 0)
{
    /// <summary>Mean residual against fresh neighbour states, or null when none was measured (sync, batch).</summary>
    public double? MeanFreshResidual => FreshResidualCount == 0 ? null : FreshResidualSum / FreshResidualCount;

    public static EngineStatistics None { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    public double MeanStaleness => StalenessCount == 0 ? 0 : (double)StalenessSum / StalenessCount;
    public double MeanStepsPerGroupPhase => GroupPhases == 0 ? 0 : (double)GroupSteps / GroupPhases;

    public EngineStatistics Add(EngineStatistics other) => new(Messages + other.Messages, Bytes + other.Bytes, Suppressed + other.Suppressed,
        GroupSteps + other.GroupSteps, GroupPhases + other.GroupPhases, StalenessSum + other.StalenessSum, StalenessCount + other.StalenessCount,
        PhaseSeconds + other.PhaseSeconds, Lost + other.Lost, FreshResidualSum + other.FreshResidualSum,
        FreshResidualCount + other.FreshResidualCount, StaleEndedPhases + other.StaleEndedPhases);
}
