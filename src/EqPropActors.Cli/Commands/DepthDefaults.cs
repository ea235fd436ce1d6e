namespace EqPropActors.Cli.Commands;

/// <summary>
/// Defaults that reach the accuracy targets documented in the README, chosen per number of hidden layers
/// (deeper networks need longer relaxation, as in EP 2017: T = 20/100/500, K = 4/6/8).
/// </summary>
public sealed record DepthDefaults(float Dt, int FreeSteps, int NudgedSteps, float Beta, float Momentum, int BatchSize, float[] RatesBottomUp)
{
    public static DepthDefaults For(int hiddenLayers) => hiddenLayers switch
    {
        <= 1 => new DepthDefaults(0.5f, 20, 4, 0.5f, 0f, 20, [0.1f, 0.05f]),
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
