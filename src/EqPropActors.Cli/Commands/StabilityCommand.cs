using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using EqPropActors.Core;
using EqPropActors.Core.Analysis;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Data;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class StabilitySettings : NetworkShapeSettings
{
    [CommandOption("--rule <RULE>")]
    [Description("Which seeded weights: vf (independent forward and feedback weights at --init-angle, default) or ep (tied). With --weights: ep requires them tied")]
    public string Rule { get; init; } = "vf";

    [CommandOption("--init-angle <DEG>")]
    [Description("Initial angle between W_ff and W_fbᵀ of the seeded weights: 0 = symmetric, 90 = independent. Default: 90 for vf (must be 0 for ep). Not with --weights")]
    public double? InitAngle { get; init; }

    [CommandOption("--weights <FILE>")]
    [Description("Linearise at saved weights, e.g. a run's checkpoint.npz or best.npz, instead of the seeded initialisation")]
    public string? Weights { get; init; }

    [CommandOption("--seed <SEED>")]
    [Description("Seed of the initial weights (unused with --weights). Default: 1")]
    public int Seed { get; init; } = 1;

    [CommandOption("--dt <EPS>")]
    [Description("Euler step ε, in units of τ, of every group. Default: 0.5")]
    public float Dt { get; init; } = 0.5f;

    [CommandOption("--T1 <STEPS>")]
    [Description("Free-phase steps of the batch engine before the fixed point is polished in double precision. Default: 2000")]
    public int FreeSteps { get; init; } = 2000;

    [CommandOption("--samples <K>")]
    [Description("Linearise at the free fixed points of training samples 0..K−1. Default: 20")]
    public int Samples { get; init; } = 20;

    [CommandOption("--max-delay-steps <D>")]
    [Description("Delays d = 0..D steps of --dt (at most 100). Default: 20")]
    public int? MaxDelaySteps { get; init; }

    [CommandOption("--max-delay <TAU>")]
    [Description("The largest delay in units of τ instead: D = ⌈TAU/dt⌉ steps. Not with --max-delay-steps")]
    public double? MaxDelayTau { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON instead of a table: {\"dt\",\"max_delay_steps\",\"samples\",\"samples_without_fixed_point\",\"rows\":[{\"delay_steps\",\"delay_tau\",\"median_radius\",\"min_radius\",\"max_radius\",\"unstable_samples\"}],\"critical_delay\":{...},\"continuous_margin\":{...},\"active_units\":{...},\"per_sample\":[...]}")]
    public bool Json { get; init; }

    public const int DefaultMaxDelaySteps = 20;
}

/// <summary>
/// <c>eqprop stability</c>: how long a delay the free dynamics tolerates. Per sample, the spectral radius of the free
/// dynamics linearised at its fixed point when neighbour activity arrives d steps late, for d = 0..D (docs/stability.md).
/// </summary>
public sealed class StabilityCommand : Command<StabilitySettings>
{
    public override int Execute(CommandContext context, StabilitySettings settings, CancellationToken cancellation)
    {
        var layers = NetworkSpec.ParseLayers(settings.Layers).ToArray();
        var rule = ModelSettings.ParseChoice(settings.Rule, "--rule", ("vf", LearningRule.Vf), ("ep", LearningRule.Ep));
        var analysis = new DelayedStabilitySettings
        {
            Layers = layers,
            Activation = settings.ParseActivation(),
            Form = settings.Form,
            Weights = settings.Weights is { } file ? LoadWeights(file, layers, rule, settings) : SeededWeights(layers, rule, settings),
            Dt = settings.Dt > 0 && settings.Dt <= 1 ? settings.Dt : throw new ConfigurationException($"--dt must be in (0, 1], got {settings.Dt}"),
            FreeSteps = settings.FreeSteps >= 1 ? settings.FreeSteps : throw new ConfigurationException($"--T1 must be at least 1 step, got {settings.FreeSteps}"),
            Samples = settings.Samples >= 1 ? settings.Samples : throw new ConfigurationException($"--samples must be at least 1, got {settings.Samples}"),
            MaxDelaySteps = MaxDelaySteps(settings),
        };
        var data = DatasetCatalog.Load(settings.Dataset, settings.DataDirectory).Train;
        DelayedStabilityReport report;
        try
        {
            report = DelayedStability.Run(analysis, data);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (MathNet.Numerics.NonConvergenceException)
        {
            Console.Error.WriteLine("error: the eigenvalue solver did not converge on one sample's linearisation (MathNet's QR iteration); try other --samples or --dt");
            return ExitCodes.Failure;
        }
        if (settings.Json)
            Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions(RunDirectory.Json) { WriteIndented = false }));
        else
            StabilityTable.Print(report, settings.Weights is { } weights ? $"the weights in {weights}" : $"the seeded initial weights (--rule {settings.Rule}, seed {settings.Seed})", settings.Form);
        return ExitCodes.Success;
    }

    private static int MaxDelaySteps(StabilitySettings settings)
    {
        int largest = DelayedStabilitySettings.LargestMaxDelaySteps;
        if (settings.MaxDelaySteps is { } steps && settings.MaxDelayTau is { } tau)
            throw new ConfigurationException($"--max-delay-steps {steps} and --max-delay {tau.ToString(CultureInfo.InvariantCulture)} both give the largest delay: pass one of the two");
        if (settings.MaxDelayTau is { } delay)
        {
            if (!(delay >= 0) || !double.IsFinite(delay))
                throw new ConfigurationException($"--max-delay must be a delay of at least 0 τ, got {delay.ToString(CultureInfo.InvariantCulture)}");
            // Checked against the cap before converting, so that a huge delay is named rather than overflowing the step count.
            if (delay / settings.Dt > largest)
                throw new ConfigurationException($"--max-delay {delay.ToString(CultureInfo.InvariantCulture)} is more than {largest} steps of --dt {settings.Dt.ToString(CultureInfo.InvariantCulture)}; the analysis goes up to {largest} steps");
            return DelayUnits.StepsFromTau(delay, settings.Dt);
        }
        int maxSteps = settings.MaxDelaySteps ?? StabilitySettings.DefaultMaxDelaySteps;
        return maxSteps is >= 0 && maxSteps <= largest ? maxSteps
            : throw new ConfigurationException($"--max-delay-steps must be between 0 and {largest}, got {maxSteps}");
    }

    private static ParameterSet SeededWeights(int[] layers, LearningRule rule, StabilitySettings settings)
    {
        double angle = settings.InitAngle ?? (rule == LearningRule.Ep ? 0 : 90);
        if (!(angle is >= 0 and <= 90))
            throw new ConfigurationException($"--init-angle must be between 0 and 90 degrees, got {angle.ToString(CultureInfo.InvariantCulture)}");
        if (rule == LearningRule.Ep && angle != 0)
            throw new ConfigurationException($"--rule ep ties the feedback weights to the forward ones, so --init-angle must be 0, got {angle.ToString(CultureInfo.InvariantCulture)}");
        return WeightInitializer.Create(layers, angle, settings.Seed);
    }

    /// <summary>A checkpoint's weights; the loader names the file when it is missing or shaped for other layers.</summary>
    private static ParameterSet LoadWeights(string file, int[] layers, LearningRule rule, StabilitySettings settings)
    {
        if (settings.InitAngle is { } angle)
            throw new ConfigurationException($"--init-angle {angle.ToString(CultureInfo.InvariantCulture)} sets the initial weights, but --weights '{file}' gives them: pass one of the two");
        var weights = Checkpoint.Load(file, layers).Weights;
        if (rule == LearningRule.Ep && GradientCheck.FirstUntiedFeedback(weights) is { } untied)
            throw new ConfigurationException($"--rule ep ties the feedback weights to the forward ones, but in --weights '{file}' {untied}; use --rule vf");
        return weights;
    }
}
