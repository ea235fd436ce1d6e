using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>ρ, ρ', ρ'' for each <see cref="Network.Activation"/>.</summary>
public static class ReferenceActivation
{
    public static double Rate(Activation kind, double s) => kind switch
    {
        Activation.HardSigmoid => Math.Clamp(s, 0.0, 1.0),
        Activation.Logistic => 1.0 / (1.0 + Math.Exp(-4.0 * (s - 0.5))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static double Derivative(Activation kind, double s)
    {
        switch (kind)
        {
            case Activation.HardSigmoid:
                return s >= 0.0 && s <= 1.0 ? 1.0 : 0.0;
            case Activation.Logistic:
                double rate = Rate(kind, s);
                return 4.0 * rate * (1.0 - rate);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>ρ''; zero almost everywhere for the hard sigmoid, 16ρ(1−ρ)(1−2ρ) for the logistic.</summary>
    public static double SecondDerivative(Activation kind, double s)
    {
        switch (kind)
        {
            case Activation.HardSigmoid:
                return 0.0;
            case Activation.Logistic:
                double rate = Rate(kind, s);
                return 16.0 * rate * (1.0 - rate) * (1.0 - 2.0 * rate);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}
