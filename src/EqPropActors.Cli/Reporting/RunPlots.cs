using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Reporting;

/// <summary>The PNG plots of a run: learning curves and the forward/feedback weight angles.</summary>
public static class RunPlots
{
    public const string LearningCurves = "learning_curves.png";
    public const string WeightAngles = "weight_angles.png";

    public static void Write(RunDirectory run, TrainingConfig config, IReadOnlyList<EpochMetrics> history)
    {
        var epochs = history.Select(m => (double)m.Epoch).ToArray();
        LinePlot.SavePng(run.File(LearningCurves), "Error rate", "epoch", "error (%)", epochs,
        [
            ("train (during epoch)", history.Select(m => 100 * m.TrainError).ToArray()),
            ("test", history.Select(m => 100 * m.TestError).ToArray()),
        ]);
        int pairs = history[0].WeightAnglesDegrees.Length;
        if (pairs > 0)
            LinePlot.SavePng(run.File(WeightAngles), "Angle between W_ff and W_fbᵀ", "epoch", "angle (degrees)", epochs,
                Enumerable.Range(0, pairs)
                    .Select(i => ($"layer pair {i + 2}", (IReadOnlyList<double>)history.Select(m => m.WeightAnglesDegrees[i]).ToArray()))
                    .ToArray());
    }
}
