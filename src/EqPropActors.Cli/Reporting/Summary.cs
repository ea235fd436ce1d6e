using EqPropActors.Core.Training;
using Spectre.Console;

namespace EqPropActors.Cli.Reporting;

public static class Summary
{
    public static void Print(TrainingResults results, RunDirectory? run)
    {
        var table = new Table().AddColumns("figure", "value");
        table.AddRow("test error", $"{100 * results.TestError:F2} %");
        table.AddRow("train error (during last epoch)", $"{100 * results.TrainError:F2} %");
        table.AddRow("best test error", $"{100 * results.BestTestError:F2} % (epoch {results.BestEpoch})");
        table.AddRow("epochs", results.Epochs.ToString());
        table.AddRow("training time", $"{results.TrainSeconds:F1} s ({results.SamplesPerSecond:F0} samples/s)");
        if (results.FinalWeightAnglesDegrees.Length > 0)
            table.AddRow("angle W_ff vs W_fbᵀ", string.Join(", ", results.FinalWeightAnglesDegrees.Select((a, i) => $"pair {i + 2}: {a:F1}°")));
        table.AddRow("non-converged phases (free/nudged)", $"{results.FreeNonConverged} / {results.NudgedNonConverged}");
        AnsiConsole.Write(table);
        if (run is not null)
            AnsiConsole.MarkupLineInterpolated($"Run folder: {run.Path}");
    }
}
