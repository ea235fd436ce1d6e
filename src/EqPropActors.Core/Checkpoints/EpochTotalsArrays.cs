using EqPropActors.Core.Engines;
using EqPropActors.Core.Training;

namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// The running epoch's totals as the "partial_*" scalars of a mid-epoch checkpoint. Counts are int64 and sums
/// float64, the types they are added up in, so that the resumed epoch's metrics come out bit for bit the same.
/// </summary>
internal static class EpochTotalsArrays
{
    private const string Prefix = "partial_";

    public static IEnumerable<NpyArray> From(EpochTotals totals)
    {
        var s = totals.Statistics;
        return
        [
            NpyArray.Scalar(Prefix + "errors", totals.Errors),
            NpyArray.Scalar(Prefix + "loss", totals.Loss),
            NpyArray.Scalar(Prefix + "free_residual", totals.FreeResidual),
            NpyArray.Scalar(Prefix + "nudged_residual", totals.NudgedResidual),
            NpyArray.Scalar(Prefix + "free_nonconverged", totals.FreeNonConverged),
            NpyArray.Scalar(Prefix + "nudged_nonconverged", totals.NudgedNonConverged),
            NpyArray.Scalar(Prefix + "free_steps", totals.FreeSteps),
            NpyArray.Scalar(Prefix + "nudged_steps", totals.NudgedSteps),
            NpyArray.Scalar(Prefix + "messages", s.Messages),
            NpyArray.Scalar(Prefix + "bytes", s.Bytes),
            NpyArray.Scalar(Prefix + "suppressed_messages", s.Suppressed),
            NpyArray.Scalar(Prefix + "group_steps", s.GroupSteps),
            NpyArray.Scalar(Prefix + "group_phases", s.GroupPhases),
            NpyArray.Scalar(Prefix + "staleness_sum", s.StalenessSum),
            NpyArray.Scalar(Prefix + "staleness_count", s.StalenessCount),
            NpyArray.Scalar(Prefix + "phase_seconds", s.PhaseSeconds),
            NpyArray.Scalar(Prefix + "lost_messages", s.Lost),
            NpyArray.Scalar(Prefix + "fresh_residual_sum", s.FreshResidualSum),
            NpyArray.Scalar(Prefix + "fresh_residual_count", s.FreshResidualCount),
            NpyArray.Scalar(Prefix + "stale_ended_phases", s.StaleEndedPhases),
            NpyArray.Scalar(Prefix + "seconds", totals.Seconds),
        ];
    }

    public static EpochTotals Read(NpzArchive archive)
    {
        long Long(string name) => archive[Prefix + name].ScalarValue<long>();
        double Double(string name) => archive[Prefix + name].ScalarValue<double>();
        int Int(string name) => archive[Prefix + name].ScalarValue<int>();
        return new EpochTotals
        {
            Errors = Long("errors"),
            Loss = Double("loss"),
            FreeResidual = Double("free_residual"),
            NudgedResidual = Double("nudged_residual"),
            FreeNonConverged = Int("free_nonconverged"),
            NudgedNonConverged = Int("nudged_nonconverged"),
            // Absent from checkpoints of builds before --T1 auto: their phases took T1 and T2 steps, which the resumed
            // epoch's mean then leaves out (only its metrics row, never a weight, depends on it).
            FreeSteps = archive.Contains(Prefix + "free_steps") ? Long("free_steps") : 0,
            NudgedSteps = archive.Contains(Prefix + "nudged_steps") ? Double("nudged_steps") : 0,
            Statistics = new EngineStatistics(Long("messages"), Long("bytes"), Long("suppressed_messages"), Long("group_steps"),
                Long("group_phases"), Long("staleness_sum"), Long("staleness_count"), Double("phase_seconds"),
                // Absent from checkpoints of earlier builds: nothing was lost or measured against fresh states.
                archive.Contains(Prefix + "lost_messages") ? Long("lost_messages") : 0,
                archive.Contains(Prefix + "fresh_residual_sum") ? Double("fresh_residual_sum") : 0,
                archive.Contains(Prefix + "fresh_residual_count") ? Long("fresh_residual_count") : 0,
                archive.Contains(Prefix + "stale_ended_phases") ? Long("stale_ended_phases") : 0),
            Seconds = Double("seconds"),
        };
    }
}
