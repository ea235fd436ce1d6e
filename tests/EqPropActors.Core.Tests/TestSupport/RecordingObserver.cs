using EqPropActors.Core.Training;

namespace EqPropActors.Core.Tests;

/// <summary>
/// Keeps what a trainer reports, optionally writes the checkpoints to a run folder as the CLI does, and cancels the
/// run at a chosen moment, as Ctrl+C would.
/// </summary>
internal sealed class RecordingObserver(RunDirectory? run = null, TrainingConfig? config = null) : ITrainingObserver, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _epoch, _minibatchesDone;

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Cancels once minibatch <c>Minibatch</c> of epoch <c>Epoch</c> is done (counted from where this run began it).</summary>
    public (int Epoch, int Minibatch)? CancelAfter { get; init; }

    /// <summary>Cancels when the evaluation of this epoch starts.</summary>
    public int? CancelWhileEvaluating { get; init; }

    public List<EpochMetrics> Epochs { get; } = [];
    public List<TrainingState> MinibatchCheckpoints { get; } = [];
    public TrainingState? LastEpochState { get; private set; }

    public void Cancel() => _cancellation.Cancel();

    public void MinibatchCompleted(int epoch, int samplesDone, int samplesTotal)
    {
        (_minibatchesDone, _epoch) = (_epoch == epoch ? _minibatchesDone + 1 : 1, epoch);
        if (CancelAfter == (epoch, _minibatchesDone))
            Cancel();
    }

    public void EvaluationStarted(int epoch)
    {
        if (CancelWhileEvaluating == epoch)
            Cancel();
    }

    public void EpochCompleted(EpochMetrics metrics, TrainingState state)
    {
        Epochs.Add(metrics);
        LastEpochState = state;
        run?.WriteCheckpoint(state, config!, best: false);
    }

    public void MinibatchCheckpoint(TrainingState state)
    {
        // The trainer goes on updating its particles in place after handing them over: keep them as they were.
        MinibatchCheckpoints.Add(state with { Particles = state.Particles?.Select(p => (float[])p.Clone()).ToArray() });
        run?.WriteCheckpoint(state, config!, best: false);
    }

    public void Dispose() => _cancellation.Dispose();
}
