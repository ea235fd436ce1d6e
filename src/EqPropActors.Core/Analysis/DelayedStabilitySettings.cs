using EqPropActors.Core.Network;

namespace EqPropActors.Core.Analysis;

/// <summary>What <see cref="DelayedStability.Run"/> measures: a network, its weights, the schedule's step and the delays.</summary>
public sealed record DelayedStabilitySettings
{
    public required int[] Layers { get; init; }
    public Activation Activation { get; init; } = Activation.HardSigmoid;
    public DynamicsForm Form { get; init; } = DynamicsForm.Vf;

    /// <summary>The weights linearised at: a checkpoint's, or a seeded initialisation.</summary>
    public required ParameterSet Weights { get; init; }

    /// <summary>Euler step ε in units of τ, the same for every group.</summary>
    public float Dt { get; init; } = 0.5f;

    /// <summary>Free-phase steps of the engine before the fixed point is polished in double precision.</summary>
    public int FreeSteps { get; init; } = 2000;

    /// <summary>Training samples 0..Samples−1 are linearised, one fixed point each.</summary>
    public int Samples { get; init; } = 20;

    /// <summary>Delays d = 0..MaxDelaySteps, in steps of <see cref="Dt"/>.</summary>
    public int MaxDelaySteps { get; init; } = 20;

    /// <summary>
    /// The largest <see cref="MaxDelaySteps"/> accepted: the root path costs about n·(d+1)³ per delay, so the sweep
    /// grows as D⁴ (D = 100 on 784-64-10 already takes minutes).
    /// </summary>
    public const int LargestMaxDelaySteps = 100;
}
