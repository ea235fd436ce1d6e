using EqPropActors.Cli.Commands;
using EqPropActors.Core;
using EqPropActors.Core.Data;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        // The first Ctrl+C lets training finish its minibatch and save a checkpoint; a second one ends the process at once.
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            if (interrupt.IsCancellationRequested)
                return;
            e.Cancel = true;
            Console.Error.WriteLine("Ctrl+C: stopping after the current minibatch (press it again to quit at once)");
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        // SIGTERM (what a process supervisor or `kill` sends) stops as gracefully as Ctrl+C: checkpoint, leave the cluster.
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            if (interrupt.IsCancellationRequested)
                return;
            context.Cancel = true;
            Console.Error.WriteLine("SIGTERM: stopping after the current minibatch");
            interrupt.Cancel();
        });
        // Started by a study (or a test): stop as after Ctrl+C when that process is gone. A node watches for itself.
        if (args.FirstOrDefault() is not "node")
            ParentProcessWatch.StopWhenGone(interrupt, args.FirstOrDefault() ?? "eqprop");
        try
        {
            return Run(args, interrupt.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>Main without the Ctrl+C handler: tests cancel through <paramref name="cancellation"/> instead.</summary>
    internal static int Run(string[] args, CancellationToken cancellation)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 200; // logs: one line per message or table row, not wrapped at 80
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("eqprop");
            config.CaseSensitivity(CaseSensitivity.None);
            config.UseStrictParsing();
            config.PropagateExceptions();
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train with Equilibrium Propagation (free phase, nudged phase, local update) and write a run folder")
                .WithExample("train")
                .WithExample("train", "--dataset", "fashion-mnist", "--layers", "784,500,10", "--rule", "vf", "--init-angle", "90", "--epochs", "20", "--out", "runs/fmnist-vf")
                .WithExample("train", "--resume", "runs/fmnist-vf", "--epochs", "30");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Error and loss of a run's saved network on the test (and training) set")
                .WithExample("evaluate", "runs/fmnist-vf", "--checkpoint", "best", "--train");
            config.AddCommand<TraceCommand>("trace")
                .WithDescription("Relax a probe minibatch with a run's weights through the free and nudged phases and record every step: trace.npz, trace.json, plots")
                .WithExample("trace", "runs/fmnist-vf", "--checkpoint", "best", "--samples", "8", "--groups", "L1G0,L2G0")
                .WithExample("trace", "runs/fmnist-vf", "--engine", "actors", "--schedule", "async", "--delay", "1", "--out", "runs/fmnist-vf/trace-async");
            config.AddCommand<GradCheckCommand>("gradcheck")
                .WithDescription("Theorem 1 measured: angle between the local rule's update and the true gradient, per layer, rule and initial angle")
                .WithExample("gradcheck", "--angles", "0,15,30,45,60,90", "--rules", "vf,ep")
                .WithExample("gradcheck", "--layers", "784,64,10", "--rho-prime", "--json")
                .WithExample("gradcheck", "--weights", "runs/fmnist-vf/checkpoint.npz", "--layers", "784,500,10", "--rules", "vf", "--repeats", "5");
            config.AddCommand<StabilityCommand>("stability")
                .WithDescription("Linear stability of the free dynamics when neighbour activity arrives d steps late: spectral radius per delay and the critical delay")
                .WithExample("stability", "--layers", "784,64,10", "--dataset", "fashion-mnist", "--max-delay-steps", "20", "--samples", "20")
                .WithExample("stability", "--weights", "runs/fmnist-vf/checkpoint.npz", "--layers", "784,500,10", "--max-delay", "5", "--json");
            config.AddCommand<StudyCommand>("study")
                .WithDescription("Run every condition of a study spec with every seed, then compare them with the baseline seed by seed (means, 95 % confidence intervals, paired differences, plots, report.md)")
                .WithExample("study", "studies/asynchrony.toml", "--out", "studies-out/asynchrony")
                .WithExample("study", "studies/asymmetry.toml", "--out", "studies-out/asymmetry", "--report-only");
            config.AddCommand<NodeCommand>("node")
                .WithDescription("Run a worker of the cluster engine: join the cluster and host the groups the coordinator places here")
                .WithExample("node", "--config", "cluster-config/local-worker.conf")
                .WithExample("node", "--config", "cluster-config/multi-worker.conf", "--seed-nodes", "coordinator.example.org:4053");
            config.AddCommand<CertsCommand>("certs")
                .WithDescription("Make a CA and one certificate per node for a cluster with eqprop.tls (tests; no openssl needed)")
                .WithExample("certs", "--out", "cluster-config/certs")
                .WithExample("certs", "--out", "certs", "--nodes", "coordinator,worker-1,worker-2,worker-3", "--password", "s3cret");
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Measure training throughput (samples/s, GFLOP/s) against the machine's matrix-multiply rate");
        });
        try
        {
            // A kernel path asked for by EQPROP_KERNEL that cannot run is refused before anything starts (exit code 2).
            _ = Core.Kernels.DenseKernels.ActivePath;
            return app.Run(ConfigArguments.Expand(args), cancellation);
        }
        catch (CommandRuntimeException e) when (e.Message.StartsWith("Failed to convert", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"error: {NameTheOption(e.Message, args)}");
            return ExitCodes.BadInput;
        }
        catch (CommandParseException e) when (e.Message.StartsWith("Unknown option '", StringComparison.Ordinal))
        {
            string name = e.Message["Unknown option '".Length..].TrimEnd('.', '\'');
            Console.Error.WriteLine($"error: unknown option --{name}; 'eqprop {args.FirstOrDefault()} --help' lists the options");
            return ExitCodes.BadInput;
        }
        catch (EqPropActors.Actors.Coordination.EngineFailureException e)
        {
            // The engine could not start or go on (e.g. the cluster's workers never came): the message says why.
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (IsBadInput(e))
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>Spectre says "Failed to convert 'x' to Int32."; say which option got the value and what it expects.</summary>
    private static string NameTheOption(string message, string[] args)
    {
        int quote = message.IndexOf('\'');
        int end = quote < 0 ? -1 : message.IndexOf('\'', quote + 1);
        if (end < 0)
            return message;
        string value = message[(quote + 1)..end];
        int index = Array.IndexOf(args, value);
        string option = index > 0 && args[index - 1].StartsWith("--", StringComparison.Ordinal) ? args[index - 1] : "an option";
        return $"{option}: '{value}' is not a valid value for this option, which takes a number ({message.Trim()})";
    }

    private static bool IsBadInput(Exception e) => e is ConfigurationException or DataFormatException or FormatException
        or IOException or UnauthorizedAccessException or InvalidDataException or CommandAppException or ArgumentException
        or Akka.Configuration.ConfigurationException;
}
