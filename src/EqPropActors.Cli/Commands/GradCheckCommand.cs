using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using EqPropActors.Core;
using EqPropActors.Actors;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Data;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class GradCheckSettings : NetworkSettings
{
    [CommandOption("--rules <RULES>")]
    [Description("Comma-separated rules to check: vf, ep. Default: vf,ep")]
    public string Rules { get; init; } = "vf,ep";

    public const string DefaultAngles = "0,15,30,45,60,90";

    [CommandOption("--angles <DEGREES>")]
    [Description("Initial angles between W_ff and W_fbᵀ for the vf rule. Default: 0,15,30,45,60,90 (ep is tied: 0 only). Not with --weights")]
    public string? Angles { get; init; }

    [CommandOption("--weights <FILE>")]
    [Description("Measure at saved weights, e.g. a run's checkpoint.npz or best.npz, instead of the seeded initialisation at each --angles")]
    public string? Weights { get; init; }

    [CommandOption("--repeats <K>")]
    [Description("Minibatches to measure on: repeat r uses training samples r·B to (r+1)·B − 1 (B = --batch-size); rows give mean ± sample standard deviation. Default: 1")]
    public int Repeats { get; init; } = 1;

    [CommandOption("--third-phase")]
    [Description("The run under study trains with the centered ±β estimate: it becomes the trained_angle_deg (by default the one-sided one)")]
    public bool ThirdPhase { get; init; }

    [CommandOption("--beta <BETA>")]
    [Description("Nudging strength of the estimate. Small, because the hard sigmoid's kinks bend the response at finite β. Default: 0.001")]
    public float Beta { get; init; } = 0.001f;

    [CommandOption("--dt <EPS>")]
    [Description("Euler step. Default: 0.5")]
    public float Dt { get; init; } = 0.5f;

    [CommandOption("--T1 <STEPS>")]
    [Description("Free-phase steps (long, so that s⁰ is a fixed point; see the residual column). Default: 2000")]
    public int FreeSteps { get; init; } = 2000;

    [CommandOption("--T2 <STEPS>")]
    [Description("Nudged-phase steps. Default: 2000")]
    public int NudgedSteps { get; init; } = 2000;

    [CommandOption("--update <FORM>")]
    [Description("When the rule learns: two-phase (from the phases' end states), stdp (summed over the nudged steps) or continual (applied at every nudged step, so the weights move during the phase at --lr; the estimate is their motion / α). Default: two-phase")]
    public string Update { get; init; } = "two-phase";

    [CommandOption("--lr <ALPHA>")]
    [Description("Learning rate of every layer pair for --update continual (the other forms' estimates do not depend on it). Default: 0.01")]
    public float LearningRate { get; init; } = 0.01f;

    [CommandOption("--lrs <RATES>")]
    [Description("Learning rate per layer pair for --update continual, bottom first (e.g. a run's rates at its last epoch); replaces --lr")]
    public string? PairLearningRates { get; init; }

    [CommandOption("--tolerance <R>")]
    [Description("Async schedule: a group rests once its step residual ‖Δs‖/dt is within R (sigma-delta sending then sends its final state) and the phase may end before T1/T2; 0: groups step the full budget and never rest. Sync engines always run T1/T2. Default: 0")]
    public float Tolerance { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Samples per minibatch (repeat r uses training samples r·N to (r+1)·N − 1). Default: 20")]
    public int BatchSize { get; init; } = 20;

    [CommandOption("--seed <SEED>")]
    [Description("Seed of the initial weights (unused with --weights), of the finite-difference entries and of the async schedule. Default: 1")]
    public int Seed { get; init; } = 1;

    [CommandOption("--finite-differences <N>")]
    [Description("Also check the adjoint gradient against central finite differences of the loss on N entries per tensor (slow on big nets). Default: 0")]
    public int FiniteDifferences { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON instead of a table: {\"rows\":[[{\"rule\",\"init_angle_deg\",\"layer\",\"repeats\",\"one_sided_angle_deg\",\"one_sided_angle_std_deg\",\"centered_angle_deg\",...,\"theory_angle_deg\",\"trained_estimator\",\"trained_angle_deg\",...,\"theory_basis\"}]]}")]
    public bool Json { get; init; }
}

/// <summary>
/// <c>eqprop gradcheck</c>: the paper's Theorem 1 measured. Per rule, initial angle and layer pair, the angle between
/// the update the local rule makes and the true gradient of the loss at the free fixed point.
/// </summary>
public sealed class GradCheckCommand : Command<GradCheckSettings>
{
    public override int Execute(CommandContext context, GradCheckSettings settings, CancellationToken cancellation)
    {
        var layers = NetworkSpec.ParseLayers(settings.Layers).ToArray();
        var rules = settings.Rules.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(r => ModelSettings.ParseChoice(r, "--rules", ("vf", LearningRule.Vf), ("ep", LearningRule.Ep))).ToArray();
        if (settings.Weights is not null && settings.Angles is not null)
            throw new ConfigurationException($"--angles sets the initial weights, but --weights '{settings.Weights}' gives them: pass one of the two");
        var check = new GradientCheckSettings
        {
            Layers = layers,
            Activation = settings.ParseActivation(),
            Form = settings.Form,
            Rules = rules,
            InitAnglesDegrees = ParseAngles(settings.Angles ?? GradCheckSettings.DefaultAngles),
            Weights = settings.Weights is { } file ? LoadWeights(file, layers, rules) : null,
            Beta = settings.Beta > 0 ? settings.Beta : throw new ConfigurationException($"--beta must be positive, got {settings.Beta}"),
            Dt = settings.Dt,
            FreeSteps = settings.FreeSteps,
            NudgedSteps = settings.NudgedSteps,
            Update = ModelSettings.ParseChoice(settings.Update, "--update", ("two-phase", UpdateForm.TwoPhase), ("stdp", UpdateForm.Stdp), ("continual", UpdateForm.Continual)),
            LearningRate = settings.LearningRate > 0 && float.IsFinite(settings.LearningRate) ? settings.LearningRate
                : throw new ConfigurationException($"--lr must be a positive number, got {settings.LearningRate}"),
            PairLearningRates = settings.PairLearningRates is { } rates ? ParsePairRates(rates, layers.Length - 1) : null,
            Tolerance = settings.Tolerance >= 0 && float.IsFinite(settings.Tolerance) ? settings.Tolerance
                : throw new ConfigurationException($"--tolerance must be a finite number at least 0, got {settings.Tolerance}"),
            BatchSize = settings.BatchSize,
            Repeats = settings.Repeats,
            Seed = settings.Seed,
            ThirdPhase = settings.ThirdPhase,
            FiniteDifferenceEntries = settings.FiniteDifferences,
        };
        // The whole training set: the check itself says when --repeats × --batch-size asks for more samples than it has.
        var data = DatasetCatalog.Load(settings.Dataset, settings.DataDirectory).Train;
        var rows = ModelSettings.ParseChoice(settings.Engine, "--engine", ("batch", false), ("actors", true))
            ? GradientCheck.Run(check, data, (network, batchRows) => new ActorEngine(network, batchRows, check.LearningRates(network),
                // Learning at each step reads the source's rates at that step, which a delegated drive does not bring.
                settings.ParseSchedule(settings.Seed) with { DelegateDrive = !settings.NoDriveDelegation && check.Update == UpdateForm.TwoPhase }))
            : GradientCheck.Run(check, data);
        if (settings.Json)
            Console.WriteLine(JsonSerializer.Serialize(new { rows }, JsonOptions));
        else
            PrintTable(rows, settings);
        return ExitCodes.Success;
    }

    /// <summary>An angle to an update that is exactly zero is undefined: a layer the nudge never reached (a delay
    /// longer than the nudged phase, a send threshold above every change) has one. It is written "NaN", which JSON
    /// readers take as no value (the study's runs.csv leaves the cell empty), instead of failing the whole check.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new(RunDirectory.Json)
    {
        WriteIndented = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>A checkpoint's weights; the loader names the file when it is missing or shaped for other layers.</summary>
    private static ParameterSet LoadWeights(string file, int[] layers, IReadOnlyList<LearningRule> rules)
    {
        var weights = Checkpoint.Load(file, layers).Weights;
        if (rules.Contains(LearningRule.Ep) && GradientCheck.FirstUntiedFeedback(weights) is { } untied)
            throw new ConfigurationException($"--rules ep ties the feedback weights to the forward ones, but in --weights '{file}' {untied}; measure them with --rules vf");
        return weights;
    }

    private static float[] ParsePairRates(string text, int pairs)
    {
        var rates = ModelSettings.ParseRates(text);
        if (rates.Length != pairs)
            throw new ConfigurationException($"--lrs: {rates.Length} rate(s) given, expected one per layer pair ({pairs} for these layers)");
        if (rates.Any(rate => !(rate >= 0) || !float.IsFinite(rate)))
            throw new ConfigurationException($"--lrs: every rate must be a finite number at least 0, got {text}");
        return rates;
    }

    private static double[] ParseAngles(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(a => double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v is >= 0 and <= 90
            ? v : throw new ConfigurationException($"--angles: '{a}' is not an angle between 0 and 90 degrees"))
        .ToArray();

    private static void PrintTable(IReadOnlyList<GradientCheckRow> rows, GradCheckSettings settings)
    {
        string trained = GradientCheckSummary.TrainedEstimator(settings.ThirdPhase);
        string Mark(string estimator) => estimator == trained ? $"{estimator} (trains)" : estimator;
        var table = new Table().AddColumns("rule", "init angle", "layer pair", $"{Mark(GradientCheckSummary.OneSided)}",
            $"{Mark(GradientCheckSummary.Centered)}", "β→0 limit (theory)", "theory basis", "FD check", "free residual");
        foreach (var row in rows)
            table.AddRow(row.Rule, row.InitAngleDeg is { } init ? $"{init:F0}°" : "saved", row.Layer.ToString(CultureInfo.InvariantCulture),
                MeanAndSpread(row.OneSidedAngleDeg, row.OneSidedAngleStdDeg), MeanAndSpread(row.CenteredAngleDeg, row.CenteredAngleStdDeg),
                $"{row.TheoryAngleDeg:F3}°", Markup.Escape(row.TheoryBasis), row.FiniteDifferenceAngleDeg is { } fd ? $"{fd:F4}°" : "", $"{row.FreeResidual:E1}");
        AnsiConsole.Write(table);
        string weights = settings.Weights is { } file ? $"the weights in {file}" : $"the seeded initial weights (seed {settings.Seed})";
        AnsiConsole.MarkupLineInterpolated(
            $"Angles between the local rule's update at β = {settings.Beta} (T1 = {settings.FreeSteps}, T2 = {settings.NudgedSteps}) and the true gradient of the loss at the free fixed point (adjoint, double precision), at {weights}: mean ± sample standard deviation over {settings.Repeats} minibatch(es) of {settings.BatchSize}. The run trains with the {trained} estimate{(settings.ThirdPhase ? " (--third-phase)" : " (no --third-phase)")}. Theory: the rule's own β → 0 limit from the linearisation at the free fixed point (VF rule: Theorem 1's c J⁻ᵀ M; ep: the tied κᵀ M' of docs/theorem.md). It is exactly 0 only when the dynamics are the gradient of EP's energy: tied weights with the hard sigmoid (either form) or with --rho-prime; the logistic without --rho-prime is not one.");
    }

    private static string MeanAndSpread(double mean, double? standardDeviation) =>
        standardDeviation is { } spread ? $"{mean:F3}° ± {spread:F3}°" : $"{mean:F3}°";
}
