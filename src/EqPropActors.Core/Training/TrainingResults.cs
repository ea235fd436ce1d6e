namespace EqPropActors.Core.Training;

/// <summary>results.json: the final figures of a run.</summary>
public sealed record TrainingResults
{
    public required double TestError { get; init; }
    public required double TrainError { get; init; }
    public required double TestLoss { get; init; }
    public required int Epochs { get; init; }
    public required double TrainSeconds { get; init; }
    public required double SamplesPerSecond { get; init; }
    public required double BestTestError { get; init; }
    public required int BestEpoch { get; init; }
    public required double[] FinalWeightAnglesDegrees { get; init; }
    public required long FreeNonConverged { get; init; }
    public required long NudgedNonConverged { get; init; }
    public long Messages { get; init; }
    public long Bytes { get; init; }
    public long SuppressedMessages { get; init; }
    public double MeanStaleness { get; init; }
    public string? Diverged { get; init; }

    public static TrainingResults From(IReadOnlyList<EpochMetrics> history, string? diverged)
    {
        var last = history[^1];
        var best = history.MinBy(m => m.TestError)!;
        double seconds = history.Sum(m => m.Seconds);
        double samples = history.Sum(m => m.Seconds * m.SamplesPerSecond);
        return new TrainingResults
        {
            TestError = last.TestError,
            TrainError = last.TrainError,
            TestLoss = last.TestLoss,
            Epochs = last.Epoch,
            TrainSeconds = seconds,
            SamplesPerSecond = samples / seconds,
            BestTestError = best.TestError,
            BestEpoch = best.Epoch,
            FinalWeightAnglesDegrees = last.WeightAnglesDegrees,
            FreeNonConverged = history.Sum(m => (long)m.FreeNonConverged),
            NudgedNonConverged = history.Sum(m => (long)m.NudgedNonConverged),
            Messages = history.Sum(m => m.Messages),
            Bytes = history.Sum(m => m.Bytes),
            SuppressedMessages = history.Sum(m => m.SuppressedMessages),
            MeanStaleness = history.Average(m => m.MeanStaleness),
            Diverged = diverged,
        };
    }
}
