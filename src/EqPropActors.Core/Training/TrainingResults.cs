namespace EqPropActors.Core.Training;

/// <summary>How a run ended, as results.json says it.</summary>
public static class RunStatus
{
    public const string Completed = "completed";
    public const string Diverged = "diverged";
    public const string Interrupted = "interrupted";
    public const string Failed = "failed";
}

/// <summary>
/// results.json: how the run ended (<see cref="Status"/> and <see cref="Reason"/>) and the figures of its last
/// completed epoch. Written whatever the ending, so that a study can tell a finished run from a lost one; the
/// figures are null when no epoch completed. Model selection reads the validation split only: without one there is
/// no best epoch (nothing is ever chosen on the test set).
/// </summary>
public sealed record TrainingResults
{
    public required string Status { get; init; }

    /// <summary>Why the run did not complete (null when it did).</summary>
    public string? Reason { get; init; }

    /// <summary>The epochs the configuration asked for, and those that completed.</summary>
    public required int Epochs { get; init; }
    public required int EpochsCompleted { get; init; }

    public double? TestError { get; init; }
    public double? TestLoss { get; init; }
    public double? TrainError { get; init; }
    public double? TrainLoss { get; init; }
    public double? ValError { get; init; }
    public double? ValLoss { get; init; }

    /// <summary>The epoch with the lowest validation error (best.npz), its validation error and the test error of that
    /// epoch (reported, not chosen on); null without a validation split.</summary>
    public int? BestEpoch { get; init; }
    public double? BestValError { get; init; }
    public double? BestEpochTestError { get; init; }

    public double TrainSeconds { get; init; }
    public double? SamplesPerSecond { get; init; }
    public double[] FinalWeightAnglesDegrees { get; init; } = [];
    public long FreeNonConverged { get; init; }
    public long NudgedNonConverged { get; init; }
    public long Messages { get; init; }
    public long Bytes { get; init; }
    public long SuppressedMessages { get; init; }

    public long LostMessages { get; init; }

    public long StaleEndedPhases { get; init; }
    public double? MeanStaleness { get; init; }

    /// <summary>The results of a run that ended with <paramref name="status"/> after the epochs in <paramref name="history"/>.</summary>
    public static TrainingResults From(IReadOnlyList<EpochMetrics> history, int epochs, string status, string? reason = null)
    {
        if (history.Count == 0)
            return new TrainingResults { Status = status, Reason = reason, Epochs = epochs, EpochsCompleted = 0 };
        var last = history[^1];
        var best = ChooseBestEpoch(history);
        double seconds = history.Sum(m => m.Seconds);
        double samples = history.Sum(m => m.Seconds * m.SamplesPerSecond);
        return new TrainingResults
        {
            Status = status,
            Reason = reason,
            Epochs = epochs,
            EpochsCompleted = last.Epoch,
            TestError = last.TestError,
            TestLoss = last.TestLoss,
            TrainError = last.TrainError,
            TrainLoss = last.TrainLoss,
            ValError = last.ValError,
            ValLoss = last.ValLoss,
            BestEpoch = best?.Epoch,
            BestValError = best?.ValError,
            BestEpochTestError = best?.TestError,
            TrainSeconds = seconds,
            SamplesPerSecond = seconds > 0 ? samples / seconds : null,
            FinalWeightAnglesDegrees = last.WeightAnglesDegrees,
            FreeNonConverged = history.Sum(m => (long)m.FreeNonConverged),
            NudgedNonConverged = history.Sum(m => (long)m.NudgedNonConverged),
            Messages = history.Sum(m => m.Messages),
            Bytes = history.Sum(m => m.Bytes),
            SuppressedMessages = history.Sum(m => m.SuppressedMessages),
            LostMessages = history.Sum(m => m.LostMessages),
            StaleEndedPhases = history.Sum(m => m.StaleEndedPhases),
            MeanStaleness = history.Average(m => m.MeanStaleness),
        };
    }

    /// <summary>The epoch with the lowest validation error (the first of equals), or null without a validation split.</summary>
    public static EpochMetrics? ChooseBestEpoch(IReadOnlyList<EpochMetrics> history) =>
        history.Where(m => m.ValError is not null).MinBy(m => m.ValError!.Value);
}
