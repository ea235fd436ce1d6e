using EqPropActors.Core.Training;
using Spectre.Console;

namespace EqPropActors.Cli.Reporting;

public static class Summary
{
    public static void Print(TrainingResults results, RunDirectory? run)
    {
        var table = new Table().AddColumns("figure", "value");
        table.AddRow("status", results.Reason is null ? results.Status : $"{results.Status}: {Markup.Escape(results.Reason)}");
        if (results.TestError is not { } testError)
        {
            table.AddRow("epochs", $"0 of {results.Epochs} completed");
            AnsiConsole.Write(table);
            return;
        }
        table.AddRow("test error", $"{100 * testError:F2} %");
        if (results.ValError is { } valError)
            table.AddRow("validation error", $"{100 * valError:F2} %");
        table.AddRow("train error (during last epoch)", $"{100 * results.TrainError:F2} %");
        if (results.BestEpoch is { } bestEpoch)
            table.AddRow("best epoch (on validation)", $"{bestEpoch}: validation {100 * results.BestValError:F2} %, test {100 * results.BestEpochTestError:F2} % (best.npz)");
        table.AddRow("epochs", $"{results.EpochsCompleted} of {results.Epochs}");
        table.AddRow("training time", $"{results.TrainSeconds:F1} s ({results.SamplesPerSecond:F0} samples/s)");
        if (results.FinalWeightAnglesDegrees.Length > 0)
            table.AddRow("angle W_ff vs W_fbᵀ", string.Join(", ", results.FinalWeightAnglesDegrees.Select((a, i) => $"pair {i + 2}: {a:F1}°")));
        table.AddRow("non-converged phases (free/nudged)", $"{results.FreeNonConverged} / {results.NudgedNonConverged}");
        AnsiConsole.Write(table);
        if (run is not null)
            AnsiConsole.MarkupLineInterpolated($"Run folder: {run.Path}");
    }
}
