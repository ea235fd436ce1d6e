using System.Globalization;
using System.Text.Json;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// The <c>eqprop gradcheck</c> that measures what a finished run trains with (science.md, "Measure what trains"): at
/// the run's final weights, with its rule, β, phase lengths, dynamics, engine and schedule, on
/// <paramref name="repeats"/> minibatches of its batch size; the estimator it names as trained is the one-sided one
/// unless the run used the centered third phase. A run that learns in time (--update stdp|continual) is measured in that
/// form, a continual one at the rates of its last epoch.
/// </summary>
public static class GradcheckArguments
{
    public static IReadOnlyList<string> For(TrainingConfig config, string weightsFile, int repeats)
    {
        var c = CultureInfo.InvariantCulture;
        var args = new List<string>
        {
            "gradcheck", "--json", "--weights", weightsFile, "--repeats", repeats.ToString(c),
            "--dataset", config.Dataset,
            "--layers", string.Join(',', config.Layers),
            "--activation", JsonNamingPolicy.KebabCaseLower.ConvertName(config.Activation.ToString()),
            "--rules", config.Rule.ToString().ToLowerInvariant(),
            "--beta", config.Beta.ToString("R", c),
            "--dt", config.Dt.ToString("R", c),
            // gradcheck relaxes for a fixed number of steps: an automatic phase's limit stands in for "until settled".
            "--T1", config.FreeSteps.MaxSteps.ToString(c),
            "--T2", config.NudgedSteps.MaxSteps.ToString(c),
            "--batch-size", config.BatchSize.ToString(c),
            "--seed", config.Seed.ToString(c),
        };
        if (config.DataDirectory is { } data)
            args.AddRange(["--data", data]);
        if (config.RhoPrime)
            args.Add("--rho-prime");
        if (config.ThirdPhase)
            args.Add("--third-phase");
        args.AddRange(["--update", config.Update]);
        // The continual estimate depends on the rates: those of the run's last epoch, when the weights were final.
        if (config.UpdateForm == UpdateForm.Continual)
            args.AddRange(["--lrs", string.Join(',', config.LearningRates.Select(rate => (rate * config.LearningRateScale(config.Epochs)).ToString("R", c)))]);
        // The cluster engine computes exactly what the in-process actors do (bit for bit under sync); the check needs no workers.
        if (config.Engine != "batch")
        {
            args.AddRange(["--engine", "actors", "--schedule", config.ActorSchedule,
                "--delay", config.Delay.ToString("R", c), "--jitter", config.Jitter.ToString("R", c),
                "--tau-spread", config.TauSpread.ToString("R", c), "--send-threshold", config.SendThreshold.ToString("R", c), "--send-mode", config.SendMode,
                "--drop-prob", config.DropProbability.ToString("R", c), "--noise-std", config.NoiseStd.ToString("R", c),
                "--update-prob", config.UpdateProbability.ToString("R", c), "--phase-control", config.PhaseControl]);
            if (!config.DelegateDrive)
                args.Add("--no-drive-delegation");
        }
        return args;
    }
}
