using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Commands;

/// <summary>
/// Defaults per number of hidden layers. One hidden layer (T1 = 40, T2 = 8, cosine schedule) was chosen on the
/// validation split by studies/defaults.toml (docs/usage.md, "How the defaults were chosen": EP 2017's 20/4 with a
/// constant rate was worse, the other variants not distinguishable). Deeper networks start from EP 2017's settings
/// (T = 100/500, K = 6/8, α = 0.4, 0.1, 0.01 for two hidden layers), not re-examined.
/// --update continual has its own β, rates and estimate (<see cref="ForContinual"/>).
/// </summary>
public sealed record DepthDefaults(float Dt, int FreeSteps, int NudgedSteps, float Beta, float Momentum, int BatchSize, float[] RatesBottomUp,
    LearningRateSchedule Schedule = LearningRateSchedule.Cosine, bool Centered = false)
{
    /// <summary>
    /// The continual form moves the weights at every nudged step, and the weights' change feeds back into the
    /// relaxation with a gain of about α‖ρ̄‖²/β (docs/algorithm.md, "Plasticity in time"): at the two-phase rates and
    /// β 0.5 it diverges from the gradient and training collapses. So β is 1, the rates are smaller (most for the
    /// top pair, whose postsynaptic units the nudge moves most), and the estimate is centered (--third-phase), whose
    /// bias is second order in β. One hidden layer: α = 0.06, 0.012, MNIST 784-500-10 in studies/continual-mnist.toml
    /// (docs/results). Deeper networks scale their two-phase rates by the top pair's factor, 0.24: not examined.
    /// </summary>
    public DepthDefaults ForContinual() => this with
    {
        Beta = 1f,
        Centered = true,
        RatesBottomUp = RatesBottomUp.Length == 2 ? [0.06f, 0.012f] : RatesBottomUp.Select(rate => rate * 0.24f).ToArray(),
    };

    public static DepthDefaults For(int hiddenLayers) => hiddenLayers switch
    {
        <= 1 => new DepthDefaults(0.5f, 40, 8, 0.5f, 0f, 20, [0.1f, 0.05f]),
        2 => new DepthDefaults(0.5f, 100, 6, 0.5f, 0f, 20, [0.4f, 0.1f, 0.01f]),
        _ => new DepthDefaults(0.5f, 500, 8, 0.5f, 0f, 20, [0.128f, 0.032f, 0.008f, 0.002f]),
    };

    /// <summary>One rate per layer pair; deeper stacks than the table repeat its bottom rate downwards.</summary>
    public float[] LearningRates(int pairs)
    {
        var rates = new float[pairs];
        for (int i = 0; i < pairs; i++)
        {
            int fromTop = pairs - 1 - i;
            rates[i] = RatesBottomUp[Math.Max(0, RatesBottomUp.Length - 1 - fromTop)];
        }
        return rates;
    }
}
