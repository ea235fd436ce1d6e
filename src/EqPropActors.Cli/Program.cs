using EqPropActors.Cli.Commands;
using EqPropActors.Core.Data;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("eqprop");
            config.CaseSensitivity(CaseSensitivity.None);
            config.PropagateExceptions();
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train with Equilibrium Propagation (free phase, nudged phase, local update) and write a run folder")
                .WithExample("train")
                .WithExample("train", "--dataset", "fashion-mnist", "--layers", "784,500,10", "--rule", "vf", "--init-angle", "90", "--epochs", "20", "--out", "runs/fmnist-vf")
                .WithExample("train", "--resume", "runs/fmnist-vf", "--epochs", "30");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Error and loss of a run's saved network on the test (and training) set")
                .WithExample("evaluate", "runs/fmnist-vf", "--checkpoint", "best", "--train");
            config.AddCommand<GradCheckCommand>("gradcheck")
                .WithDescription("Theorem 1 measured: angle between the local rule's update and the true gradient, per layer, rule and initial angle")
                .WithExample("gradcheck", "--angles", "0,15,30,45,60,90", "--rules", "vf,ep")
                .WithExample("gradcheck", "--layers", "784,64,10", "--rho-prime", "--json");
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Measure training throughput (samples/s, GFLOP/s) against the machine's matrix-multiply rate");
        });
        try
        {
            return app.Run(args);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Failure;
        }
    }

    private static bool IsBadInput(Exception e) => e is ConfigurationException or DataFormatException or FormatException
        or IOException or UnauthorizedAccessException or InvalidDataException or CommandAppException or ArgumentException;
}
