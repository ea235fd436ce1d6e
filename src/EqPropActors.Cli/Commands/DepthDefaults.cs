using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Commands;

/// <summary>
/// Defaults per number of hidden layers. One hidden layer (T1 = 40, T2 = 8, cosine schedule) was chosen on the
/// validation split by studies/defaults.toml (docs/usage.md, "How the defaults were chosen": EP 2017's 20/4 with a
/// constant rate was worse, the other variants not distinguishable). Deeper networks start from EP 2017's settings
/// (T = 100/500, K = 6/8, α = 0.4, 0.1, 0.01 for two hidden layers), not re-examined.
/// </summary>
public sealed record DepthDefaults(float Dt, int FreeSteps, int NudgedSteps, float Beta, float Momentum, int BatchSize, float[] RatesBottomUp,
    LearningRateSchedule Schedule = LearningRateSchedule.Cosine)
{
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
