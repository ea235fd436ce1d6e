using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Reporting;

/// <summary>
/// The PNG plots of a run: error and loss curves side by side (train, validation when the run has a split, test) and
/// the forward/feedback weight angles. Titles name the data set, layers and rule, so a plot read on its own still says
/// what it shows.
/// </summary>
public static class RunPlots
{
    public const string LearningCurves = "learning_curves.png";
    public const string LossCurves = "loss_curves.png";
    public const string WeightAngles = "weight_angles.png";
    public const string GradientAngles = "gradient_angles.png";

    public static void Write(RunDirectory run, TrainingConfig config, IReadOnlyList<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(config);
        if (history.Count == 0)
            return;
        string what = Describe(config);
        var epochs = history.Select(m => (double)m.Epoch).ToArray();

        LinePlot.SavePng(run.File(LearningCurves), $"Error rate — {what}", "epoch", "error (%)", epochs,
            WithValidation(history, m => 100 * m.TrainError, m => 100 * m.ValError, m => 100 * m.TestError),
            integerXTicks: true, markers: true);
        LinePlot.SavePng(run.File(LossCurves), $"Loss — {what}", "epoch", "loss", epochs,
            WithValidation(history, m => m.TrainLoss, m => m.ValLoss, m => m.TestLoss),
            integerXTicks: true, markers: true);

        int pairs = history[0].WeightAnglesDegrees.Length;
        if (pairs > 0)
            LinePlot.SavePng(run.File(WeightAngles), $"Angle between W_ff and W_fbᵀ — {what}", "epoch", "angle (degrees)", epochs,
                Enumerable.Range(0, pairs)
                    .Select(i => (SeriesName(i + 2), (IReadOnlyList<double>)history.Select(m => m.WeightAnglesDegrees[i]).ToArray()))
                    .ToArray(),
                integerXTicks: true, markers: true);

        // Only the probed epochs (--probe-gradient-every), so that probes N epochs apart are joined by a line.
        var probed = history.Where(m => m.ProbeAnglesDegrees is not null).ToArray();
        if (probed.Length > 0)
            LinePlot.SavePng(run.File(GradientAngles), $"Update vs true gradient — {what}", "epoch", "angle (degrees)",
                probed.Select(m => (double)m.Epoch).ToArray(),
                Enumerable.Range(0, probed[0].ProbeAnglesDegrees!.Length)
                    .Select(i => ($"layer pair {i + 1} (update vs gradient)", (IReadOnlyList<double>)probed.Select(m => m.ProbeAnglesDegrees![i]).ToArray()))
                    .ToArray(),
                integerXTicks: true, markers: true);
    }

    /// <summary>The name of layer pair k's angle series, the same in run and study plots.</summary>
    public static string SeriesName(int layerPair) => $"layer pair {layerPair} (W_ff vs W_fbᵀ)";

    /// <summary>"fashion-mnist, 784-500-10, vf rule".</summary>
    public static string Describe(TrainingConfig config) =>
        $"{config.Dataset}, {string.Join('-', config.Layers)}, {config.Rule.ToString().ToLowerInvariant()} rule";

    // The validation curve only when the run has a validation split; NaN marks an epoch without one.
    private static (string, IReadOnlyList<double>)[] WithValidation(IReadOnlyList<EpochMetrics> history,
        Func<EpochMetrics, double> train, Func<EpochMetrics, double?> validation, Func<EpochMetrics, double> test)
    {
        var series = new List<(string, IReadOnlyList<double>)> { ("train (during epoch)", history.Select(train).ToArray()) };
        if (history.Any(m => validation(m) is not null))
            series.Add(("validation", history.Select(m => validation(m) ?? double.NaN).ToArray()));
        series.Add(("test", history.Select(test).ToArray()));
        return series.ToArray();
    }
}
