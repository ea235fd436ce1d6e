namespace EqPropActors.Core.Training;

/// <summary>Receives progress from the trainer: the CLI shows progress bars and writes the run directory.</summary>
public interface ITrainingObserver
{
    void MinibatchCompleted(int epoch, int samplesDone, int samplesTotal);
    void EvaluationStarted(int epoch);

    /// <summary>An epoch finished with finite weights: the moment to write metrics and a checkpoint.</summary>
    void EpochCompleted(EpochMetrics metrics, TrainingState state);
}
