using EqPropActors.Core.Network;

namespace EqPropActors.Core.Training;

/// <summary>
/// What a checkpoint must hold to resume a run exactly. <paramref name="Particles"/>: with persistent particles,
/// per layer l ≥ 1 the [training samples × n_l] free fixed points the next minibatches start from (index 0 empty).
/// </summary>
public sealed record TrainingState(int CompletedEpochs, ParameterSet Weights, ParameterSet? Velocity,
    float[][]? Particles = null)
{
    /// <summary>Minibatches of epoch <see cref="CompletedEpochs"/> + 1 already trained; 0 at an epoch boundary.</summary>
    public int MinibatchesDone { get; init; }

    /// <summary>The totals of those minibatches (<see cref="EpochTotals.None"/> at an epoch boundary).</summary>
    public EpochTotals EpochSoFar { get; init; } = EpochTotals.None;

    /// <summary>"epoch 3" at a boundary, "minibatch 7 of epoch 4" inside an epoch.</summary>
    public string Position => DescribePosition(CompletedEpochs, MinibatchesDone);

    public static string DescribePosition(int completedEpochs, int minibatchesDone) => minibatchesDone == 0
        ? $"epoch {completedEpochs}"
        : $"minibatch {minibatchesDone} of epoch {completedEpochs + 1}";
}
