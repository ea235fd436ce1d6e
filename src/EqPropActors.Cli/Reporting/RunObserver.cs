using System.Globalization;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Reporting;

/// <summary>
/// Shows progress and writes the run folder: after every epoch metrics, checkpoints and plots; inside an epoch the
/// checkpoint alone (every --checkpoint-every minibatches, and when the run is cancelled). Every --trace-every epochs a trace.
/// </summary>
public sealed class RunObserver(RunDirectory? run, TrainingConfig config, List<EpochMetrics> history, TrainingState? resumedFrom = null,
    Tracing.EpochTracer? tracer = null)
    : ITrainingObserver
{
    private int _startedEpoch;

    public ProgressDisplay? Display { get; set; }

    /// <summary>Where the newest checkpoint in the run folder is ("epoch 3", "minibatch 7 of epoch 4"), or null if none.</summary>
    public string? LastCheckpoint { get; private set; } = resumedFrom?.Position;

    public void MinibatchCompleted(int epoch, int samplesDone, int samplesTotal)
    {
        if (_startedEpoch != epoch)
        {
            _startedEpoch = epoch;
            Display?.StartEpoch(epoch, samplesTotal);
        }
        Display?.Advance(samplesDone);
    }

    public void EvaluationStarted(int epoch) => Display?.Evaluating();

    public void EpochCompleted(EpochMetrics metrics, TrainingState state)
    {
        // Chosen on the validation split only; without one there is no best.npz (nothing is chosen on the test set).
        bool best = metrics.ValError is { } error && history.All(m => m.ValError is not { } earlier || error < earlier);
        history.Add(metrics);
        if (run is not null)
        {
            run.WriteCheckpoint(state, config, best);
            LastCheckpoint = state.Position;
            run.WriteMetrics(history);
            RunPlots.Write(run, config, history);
            tracer?.EpochCompleted(state);
        }
        Display?.EndEpoch(Describe(metrics));
    }

    public void MinibatchCheckpoint(TrainingState state)
    {
        if (run is null)
            return;
        run.WriteCheckpoint(state, config, best: false);
        LastCheckpoint = state.Position;
    }

    public static string Describe(EpochMetrics m)
    {
        var c = CultureInfo.InvariantCulture;
        string angles = m.WeightAnglesDegrees.Length == 0 ? "" :
            " angle(W_ff,W_fbᵀ) " + string.Join('/', m.WeightAnglesDegrees.Select(a => a.ToString("F1", c))) + "°";
        string validation = m.ValError is { } val ? string.Create(c, $" val err {100 * val:F2}%") : "";
        string probe = m.ProbeAnglesDegrees is { } probed
            ? " angle(update,gradient) " + string.Join('/', probed.Select(a => a.ToString("F1", c))) + "°" +
              string.Create(c, $" asym(J) {m.ProbeJacobianAsymmetry:F3}") + (m.ProbeNote is { } note ? $" ({note})" : "")
            : "";
        return string.Create(c, $"train err {100 * m.TrainError:F2}%{validation} test err {100 * m.TestError:F2}% loss {m.TestLoss:F4}{angles} " +
            $"non-conv {m.FreeNonConverged}/{m.NudgedNonConverged}{probe} {m.Seconds:F1}s {m.SamplesPerSecond:F0}/s");
    }
}
