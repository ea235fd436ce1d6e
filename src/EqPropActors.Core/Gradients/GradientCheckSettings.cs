using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Gradients;

/// <summary>Settings of a theorem check (docs/algorithm.md, "What the paper claims", 1: Theorem 1).</summary>
public sealed record GradientCheckSettings
{
    public required int[] Layers { get; init; }
    public Activation Activation { get; init; } = Activation.HardSigmoid;
    public DynamicsForm Form { get; init; } = DynamicsForm.Vf;
    public IReadOnlyList<LearningRule> Rules { get; init; } = [LearningRule.Vf, LearningRule.Ep];

    /// <summary>Initial angles of the seeded weights (vf; ep is tied, so 0 only). Not used when <see cref="Weights"/> is set.</summary>
    public IReadOnlyList<double> InitAnglesDegrees { get; init; } = [0, 15, 30, 45, 60, 90];

    public float Beta { get; init; } = 0.001f;
    public float Dt { get; init; } = 0.5f;

    /// <summary>Free and nudged phase lengths; "auto" (until settled within <see cref="Tolerance"/>) on the batch engine
    /// too, so that a run's gradient probe measures the update of a run with --T1/--T2 auto.</summary>
    public PhaseLength FreeSteps { get; init; } = 2000;
    public PhaseLength NudgedSteps { get; init; } = 2000;
    public int BatchSize { get; init; } = 20;

    /// <summary>When the measured rule learns: after the phases (two-phase), summed over the nudged steps (stdp), or at
    /// every nudged step (continual, where the weights move during the phase; the estimate is their total motion / α).</summary>
    public UpdateForm Update { get; init; } = UpdateForm.TwoPhase;

    /// <summary>α of every layer pair. Only the continual form depends on it (its weights move while the network
    /// relaxes); the other forms' estimates are ΔW/α whatever α is.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>α per layer pair, bottom first, when they differ (a run's --lrs, for its gradient probe); null: <see cref="LearningRate"/> for all.</summary>
    public float[]? PairLearningRates { get; init; }

    /// <summary>α of each layer pair of <paramref name="network"/>, for the engines the check creates.</summary>
    public float[] LearningRates(NetworkSpec network) =>
        PairLearningRates is { } rates ? (float[])rates.Clone() : Enumerable.Repeat(LearningRate, network.PairCount).ToArray();

    /// <summary>
    /// The phases' tolerance. Engines that run fixed T1/T2 (batch, sync actors) ignore it; under the async schedule a
    /// group rests once its step residual is within it, and sigma-delta sending flushes its unsent change only then.
    /// 0: async groups never rest and step the full budget.
    /// </summary>
    public float Tolerance { get; init; }

    /// <summary>Minibatches measured: repeat r uses training samples [r·B, (r+1)·B), so one angle is never one minibatch's accident.</summary>
    public int Repeats { get; init; } = 1;

    /// <summary>Which samples the minibatches hold, for messages: "training" (gradcheck), or the set a run's
    /// gradient probe draws from ("validation", "test").</summary>
    public string SampleSet { get; init; } = "training";

    /// <summary>Seed of the initial weights and of the finite-difference entries.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Weights to measure at (e.g. a run's checkpoint) instead of the seeded initialisation at each initial angle.</summary>
    public ParameterSet? Weights { get; init; }

    /// <summary>Whether the run under study trains with the centered ±β estimate (--third-phase); otherwise with the one-sided one.</summary>
    public bool ThirdPhase { get; init; }

    /// <summary>Entries per tensor checked by finite differences of the loss (0 = skip; costly on large nets).</summary>
    public int FiniteDifferenceEntries { get; init; }
}
