using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using EqPropActors.Core;
using EqPropActors.Actors;
using EqPropActors.Core.Data;
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

    [CommandOption("--angles <DEGREES>")]
    [Description("Initial angles between W_ff and W_fbᵀ for the vf rule. Default: 0,15,30,45,60,90 (ep is tied: 0 only)")]
    public string Angles { get; init; } = "0,15,30,45,60,90";

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

    [CommandOption("--batch-size <N>")]
    [Description("Samples in the minibatch (the first N of the training set). Default: 20")]
    public int BatchSize { get; init; } = 20;

    [CommandOption("--seed <SEED>")]
    [Description("Seed of the initial weights. Default: 1")]
    public int Seed { get; init; } = 1;

    [CommandOption("--finite-differences <N>")]
    [Description("Also check the adjoint gradient against central finite differences of the loss on N entries per tensor (slow on big nets). Default: 0")]
    public int FiniteDifferences { get; init; }

    [CommandOption("--json")]
    [Description("Print JSON instead of a table: {\"rows\":[[{\"rule\",\"init_angle_deg\",\"layer\",\"angle_deg\",...}]]}")]
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
        var check = new GradientCheckSettings
        {
            Layers = layers,
            Activation = settings.ParseActivation(),
            Form = settings.Form,
            Rules = settings.Rules.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(r => ModelSettings.ParseChoice(r, "--rules", ("vf", LearningRule.Vf), ("ep", LearningRule.Ep))).ToArray(),
            InitAnglesDegrees = ParseAngles(settings.Angles),
            Beta = settings.Beta > 0 ? settings.Beta : throw new ConfigurationException($"--beta must be positive, got {settings.Beta}"),
            Dt = settings.Dt,
            FreeSteps = settings.FreeSteps,
            NudgedSteps = settings.NudgedSteps,
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            FiniteDifferenceEntries = settings.FiniteDifferences,
        };
        var data = DatasetCatalog.Load(settings.Dataset, settings.DataDirectory, Math.Max(1, settings.BatchSize)).Train;
        var rows = ModelSettings.ParseChoice(settings.Engine, "--engine", ("batch", false), ("actors", true))
            ? GradientCheck.Run(check, data, (network, batchRows) => new ActorEngine(network, batchRows,
                Enumerable.Repeat(1f, network.PairCount).ToArray(), settings.ParseSchedule(settings.Seed)))
            : GradientCheck.Run(check, data);
        if (settings.Json)
            Console.WriteLine(JsonSerializer.Serialize(new { rows }, new JsonSerializerOptions(RunDirectory.Json) { WriteIndented = false }));
        else
            PrintTable(rows, settings);
        return ExitCodes.Success;
    }

    private static double[] ParseAngles(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(a => double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v is >= 0 and <= 90
            ? v : throw new ConfigurationException($"--angles: '{a}' is not an angle between 0 and 90 degrees"))
        .ToArray();

    private static void PrintTable(IReadOnlyList<GradientCheckRow> rows, GradCheckSettings settings)
    {
        var table = new Table().AddColumns("rule", "init angle", "layer pair", "angle to −∂J/∂θ (centered)", "one-sided", "β→0 limit (theory)", "FD check", "free residual");
        foreach (var row in rows)
            table.AddRow(row.Rule, $"{row.InitAngleDeg:F0}°", row.Layer.ToString(CultureInfo.InvariantCulture), $"{row.AngleDeg:F3}°",
                $"{row.OneSidedAngleDeg:F3}°", $"{row.LimitAngleDeg:F3}°", row.FiniteDifferenceAngleDeg is { } fd ? $"{fd:F4}°" : "", $"{row.FreeResidual:E1}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated(
            $"Angles between the local rule's update at β = {settings.Beta} (T1 = {settings.FreeSteps}, T2 = {settings.NudgedSteps}) and the true gradient of the loss at the free fixed point (adjoint, double precision). Theory: 0 when the Jacobian is symmetric (tied weights); grows with its antisymmetric part.");
    }
}
