namespace EqPropActors.Core.Training;

/// <summary>Receives progress from the trainer: the CLI shows progress bars and writes the run directory.</summary>
public interface ITrainingObserver
{
    void MinibatchCompleted(int epoch, int samplesDone, int samplesTotal);
    void EvaluationStarted(int epoch);

    /// <summary>An epoch finished with finite weights: the moment to write metrics and a checkpoint.</summary>
    void EpochCompleted(EpochMetrics metrics, TrainingState state);

    /// <summary>
    /// A state inside an epoch, with finite weights: every <see cref="TrainingConfig.CheckpointEvery"/> minibatches,
    /// and once more when the run is cancelled. The moment to write a checkpoint (it replaces the epoch's one).
    /// </summary>
    void MinibatchCheckpoint(TrainingState state);
}
