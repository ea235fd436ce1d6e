namespace EqPropActors.Core.Training;

/// <summary>Receives progress from the trainer: the CLI shows progress bars and writes the run directory.</summary>
public interface ITrainingObserver
{
    void MinibatchCompleted(int epoch, int samplesDone, int samplesTotal);
    void EvaluationStarted(int epoch);

    /// <summary>An epoch finished with finite weights: the moment to write metrics and a checkpoint.</summary>
    void EpochCompleted(EpochMetrics metrics, TrainingState state);
}

/// <summary>
/// What a checkpoint must hold to resume a run exactly. <paramref name="Particles"/>: with persistent particles,
/// per layer l ≥ 1 the [training samples × n_l] free fixed points the next epoch starts from (index 0 empty).
/// </summary>
public sealed record TrainingState(int CompletedEpochs, Network.ParameterSet Weights, Network.ParameterSet? Velocity,
    float[][]? Particles = null);
