using EqPropActors.Core.Engines;

namespace EqPropActors.Core.Training;

/// <summary>
/// What the training minibatches of an epoch add up to so far: the train figures of its metrics row. A mid-epoch
/// checkpoint keeps them, so that a resumed epoch reports the same row as the uninterrupted one.
/// </summary>
public sealed record EpochTotals
{
    public static EpochTotals None { get; } = new();

    public long Errors { get; init; }
    public double Loss { get; init; }

    /// <summary>Sums over the minibatches of the free phase's mean residual and of the nudged phases' mean.</summary>
    public double FreeResidual { get; init; }
    public double NudgedResidual { get; init; }
    public int FreeNonConverged { get; init; }
    public int NudgedNonConverged { get; init; }

    /// <summary>Sums over the minibatches of the steps the free phase took and of the nudged phases' mean steps
    /// (T1 and T2 unless they end when settled, --T1/--T2 auto).</summary>
    public long FreeSteps { get; init; }
    public double NudgedSteps { get; init; }
    public EngineStatistics Statistics { get; init; } = EngineStatistics.None;

    /// <summary>Wall-clock seconds spent training these minibatches (the one figure a resumed run cannot reproduce).</summary>
    public double Seconds { get; init; }

    public EpochTotals Add(MinibatchReport report)
    {
        var free = report.Phases[0];
        // Summed phase by phase in this order, as always: a different order would change the last bits of the mean.
        double nudgedResidual = NudgedResidual;
        int nudgedNonConverged = NudgedNonConverged;
        double nudgedSteps = NudgedSteps;
        for (int i = 1; i < report.Phases.Count; i++)
        {
            nudgedResidual += report.Phases[i].MeanResidual / (report.Phases.Count - 1);
            nudgedNonConverged += report.Phases[i].NonConverged;
            nudgedSteps += (double)report.Phases[i].Steps / (report.Phases.Count - 1);
        }
        return this with
        {
            Statistics = Statistics.Add(report.Statistics),
            Errors = Errors + report.Errors,
            Loss = Loss + report.LossSum,
            FreeResidual = FreeResidual + free.MeanResidual,
            FreeNonConverged = FreeNonConverged + free.NonConverged,
            NudgedResidual = nudgedResidual,
            NudgedNonConverged = nudgedNonConverged,
            FreeSteps = FreeSteps + free.Steps,
            NudgedSteps = nudgedSteps,
        };
    }
}
