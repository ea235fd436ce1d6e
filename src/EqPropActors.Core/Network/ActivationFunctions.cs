namespace EqPropActors.Core.Network;

/// <summary>Scalar ρ and ρ' used by reference code and by the rate kernels' tails.</summary>
public static class ActivationFunctions
{
    public static float Rate(Activation activation, float state) => activation switch
    {
        Activation.HardSigmoid => Math.Clamp(state, 0f, 1f),
        Activation.Logistic => 1f / (1f + MathF.Exp(-4f * (state - 0.5f))),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    /// <summary>ρ'(s). The hard sigmoid's derivative is taken as 1 on the closed interval [0, 1] so that a unit
    /// resting on a bound still responds to an inward push (as Theano's clip gradient did in EP 2017).</summary>
    public static float Derivative(Activation activation, float state) => activation switch
    {
        Activation.HardSigmoid => state is >= 0f and <= 1f ? 1f : 0f,
        Activation.Logistic => LogisticDerivative(state),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    private static float LogisticDerivative(float state)
    {
        float rate = Rate(Activation.Logistic, state);
        return 4f * rate * (1f - rate);
    }
}
