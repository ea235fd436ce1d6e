using EqPropActors.Core.Network;
using EqPropActors.Core.Gradients;

namespace EqPropActors.Core.Tests.Gradients;

/// <summary>Shared settings and comparisons for the gradient tests.</summary>
public static class GradientAssertions
{
    /// <summary>Fixed points tight enough for O(h²) central differences with h = 1e-5 (state error ≪ h³).</summary>
    public static readonly RelaxationSettings TightSettings = new(Dt: 0.5, Tolerance: 1e-14, MaxSteps: 200_000);

    /// <summary>‖estimate − reference‖₂ / ‖reference‖₂.</summary>
    public static double RelativeError(IReadOnlyList<double> estimate, IReadOnlyList<double> reference)
    {
        Assert.Equal(reference.Count, estimate.Count);
        double referenceNorm = Angles.Norm(reference);
        Assert.True(referenceNorm > 0.0, "Reference vector is zero: the comparison would be meaningless.");
        double[] difference = estimate.Select((value, index) => value - reference[index]).ToArray();
        return Angles.Norm(difference) / referenceNorm;
    }

    /// <summary>‖a − b‖₂ over all tensors.</summary>
    public static double DistanceBetween(NetworkGradient a, NetworkGradient b)
    {
        double[] vectorA = a.ToVector(), vectorB = b.ToVector();
        return Angles.Norm(vectorA.Select((value, index) => value - vectorB[index]).ToArray());
    }
}
