using EqPropActors.Core.Data;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Core.Training;

/// <summary>
/// <c>train --probe-gradient-every N</c>: after every N-th epoch, Theorem 1 watched during training. On a fixed probe
/// minibatch (the first B samples of the validation split, else of the test set; B the run's batch size) it measures
/// per layer pair the angle between the update the run trains with and the true gradient of the loss at the free
/// fixed point, and the asymmetry of the Jacobian there, by <see cref="GradientCheck.MeasureOnBatch"/> (what
/// <c>eqprop gradcheck</c> measures). It relaxes on a batch engine of its own with a copy of the weights, so the
/// run's engine, weights and random draws are never touched, whatever engine trains.
/// </summary>
public sealed class GradientProbe
{
    private readonly TrainingConfig _config;
    private readonly Minibatch _batch;

    public GradientProbe(TrainingConfig config, DataSplit data)
    {
        _config = config;
        var (probe, name) = ProbeRelaxation.ProbeSetOf(data);
        if (probe.Count == 0)
            throw new ConfigurationException($"--probe-gradient-every {config.ProbeGradientEvery}: the {name} set that holds the probe minibatch is empty");
        // The run's batch size, or the whole probe set when it is smaller (a small --validation split).
        int rows = Math.Min(config.BatchSize, probe.Count);
        _batch = GradientCheck.LoadBatch(config.CreateNetwork(), probe, 0, rows);
        ProbeSetName = name;
    }

    /// <summary>"validation" or "test": where the probe minibatch comes from.</summary>
    public string ProbeSetName { get; }

    /// <summary>Samples in the probe minibatch.</summary>
    public int Rows => _batch.Rows;

    /// <summary>Whether the probe runs after <paramref name="epoch"/>.</summary>
    public bool IsDue(int epoch) => _config.ProbeGradientEvery > 0 && epoch % _config.ProbeGradientEvery == 0;

    /// <summary>
    /// The check's settings for the run's update after <paramref name="epoch"/>: its rule, --update form, β (with its
    /// configured sign: --random-sign draws one per minibatch, the probe takes +β as the trace does), T1, T2 (auto
    /// too, with the run's tolerance), dt, and the learning rates of that epoch (only the continual form's estimate
    /// depends on them, since its weights move during the nudged phase). One-sided or centered as --third-phase says.
    /// </summary>
    public static GradientCheckSettings SettingsFor(TrainingConfig config, int epoch, int rows, string sampleSet = "validation") => new()
    {
        SampleSet = sampleSet,
        Layers = config.Layers,
        Activation = config.Activation,
        Form = config.Form,
        Rules = [config.Rule],
        Beta = config.Beta,
        Dt = config.Dt,
        FreeSteps = config.FreeSteps,
        NudgedSteps = config.NudgedSteps,
        Tolerance = config.Tolerance,
        BatchSize = rows,
        Update = config.UpdateForm,
        PairLearningRates = config.LearningRates.Select(rate => rate * config.LearningRateScale(epoch)).ToArray(),
        ThirdPhase = config.ThirdPhase,
        Seed = config.Seed,
    };

    /// <summary><paramref name="metrics"/> with the probe's columns filled in for the weights after <paramref name="epoch"/>.</summary>
    public EpochMetrics AddTo(EpochMetrics metrics, ParameterSet weights, int epoch)
    {
        var settings = SettingsFor(_config, epoch, _batch.Rows, ProbeSetName);
        try
        {
            var measured = GradientCheck.MeasureOnBatch(settings, _batch, _config.Rule, weights.Clone());
            return metrics with
            {
                ProbeAnglesDegrees = measured.OrderBy(m => m.Layer).Select(m => m.TrainedAngleDeg(_config.ThirdPhase)).ToArray(),
                ProbeJacobianAsymmetry = measured[0].JacobianAsymmetry,
            };
        }
        catch (ConfigurationException e)
        {
            // No free fixed point to linearise at (GradientCheck says which sample and what to change): the run goes
            // on, the cells say NaN (probed, nothing to measure) rather than empty (not probed), and the note is shown.
            return metrics with
            {
                ProbeAnglesDegrees = Enumerable.Repeat(double.NaN, _config.Layers.Length - 1).ToArray(),
                ProbeJacobianAsymmetry = double.NaN,
                ProbeNote = $"gradient probe after epoch {epoch}: {e.Message}",
            };
        }
    }
}
