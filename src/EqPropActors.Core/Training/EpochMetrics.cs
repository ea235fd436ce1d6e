namespace EqPropActors.Core.Training;

/// <summary>One row of metrics.csv: how an epoch went.</summary>
public sealed record EpochMetrics
{
    public required int Epoch { get; init; }

    /// <summary>Error and loss of the free phase of each training minibatch, measured before its update.</summary>
    public required double TrainError { get; init; }
    public required double TrainLoss { get; init; }
    public required double TestError { get; init; }
    public required double TestLoss { get; init; }

    /// <summary>Error and loss on the validation split held out of the training set (--validation N); null without one.
    /// Model selection (the best epoch, best.npz) reads these, never the test figures.</summary>
    public double? ValError { get; init; }
    public double? ValLoss { get; init; }

    /// <summary>Angle between W_ff and W_fbᵀ per layer pair 2..L, in degrees (the paper's weight alignment).</summary>
    public required double[] WeightAnglesDegrees { get; init; }

    /// <summary>Samples whose free phase ended with a residual above the tolerance (training set).</summary>
    public required int FreeNonConverged { get; init; }

    /// <summary>Samples whose nudged phase(s) ended with a residual above the tolerance.</summary>
    public required int NudgedNonConverged { get; init; }

    public required double MeanFreeResidual { get; init; }
    public required double MeanNudgedResidual { get; init; }

    /// <summary>Mean steps the free phase and a nudged phase took per training minibatch: T1 and T2, or fewer when
    /// they end once settled (--T1/--T2 auto).</summary>
    public double MeanFreeSteps { get; init; }
    public double MeanNudgedSteps { get; init; }
    /// <summary>Activity messages, their payload bytes and the messages held back by event-driven sending
    /// (distributed engines; 0 for the batch engine).</summary>
    public long Messages { get; init; }
    public long Bytes { get; init; }
    public long SuppressedMessages { get; init; }

    /// <summary>Activity messages lost on lossy channels (--drop-prob).</summary>
    public long LostMessages { get; init; }

    /// <summary>Async: mean residual of the phases' end states against fresh neighbour states (null when not measured).</summary>
    public double? FreshResidual { get; init; }

    /// <summary>Async: sample-phases that ended settled by the group's own views but not by fresh neighbour states.</summary>
    public long StaleEndedPhases { get; init; }

    /// <summary>Mean steps a group took per phase, and mean age (in the receiver's steps) of the activity it integrated.</summary>
    public double MeanStepsPerGroupPhase { get; init; }
    public double MeanStaleness { get; init; }

    /// <summary>Wall-clock seconds the engine spent in relaxation phases (distributed engines; 0 for the batch engine).</summary>
    public double PhaseSeconds { get; init; }

    /// <summary>--probe-gradient-every: per layer pair 1..L, the angle between the update the run trains with and the
    /// true gradient at the free fixed point on the probe minibatch (<see cref="GradientProbe"/>); null in epochs
    /// without a probe, NaN when the probe found no fixed point.</summary>
    public double[]? ProbeAnglesDegrees { get; init; }

    /// <summary>--probe-gradient-every: ‖J − Jᵀ‖_F/‖J‖_F at the free fixed point, mean over the probe samples.</summary>
    public double? ProbeJacobianAsymmetry { get; init; }

    /// <summary>Why a probe measured nothing (shown with the epoch's line; not in metrics.csv).</summary>
    public string? ProbeNote { get; init; }

    public required double Seconds { get; init; }
    public required double SamplesPerSecond { get; init; }
}
