using EqPropActors.Core.Network;
namespace EqPropActors.Core.Gradients;

/// <summary>Angles between parameter-space directions, in degrees.</summary>
public static class Angles
{
    /// <summary>
    /// Angle between a and b in degrees, computed as 2·atan2(‖â − b̂‖, ‖â + b̂‖) on the unit vectors: unlike
    /// acos of the cosine, this keeps full relative precision for tiny angles (acos(1 − ε) cannot resolve
    /// angles below ~1e-6 degrees in double precision). Convention: NaN when either vector has zero norm (the
    /// angle is undefined — e.g. a gradient that vanished because every output unit is saturated); callers
    /// asserting an angle must therefore check for NaN, which fails every comparison.
    /// </summary>
    public static double Degrees(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"Vectors of different lengths ({a.Count} and {b.Count}).", nameof(b));
        double normA = Norm(a), normB = Norm(b);
        if (normA == 0.0 || normB == 0.0)
            return double.NaN;
        double differenceSquared = 0.0, sumSquared = 0.0;
        for (int index = 0; index < a.Count; index++)
        {
            double unitA = a[index] / normA, unitB = b[index] / normB;
            differenceSquared += (unitA - unitB) * (unitA - unitB);
            sumSquared += (unitA + unitB) * (unitA + unitB);
        }
        return 2.0 * Math.Atan2(Math.Sqrt(differenceSquared), Math.Sqrt(sumSquared)) * 180.0 / Math.PI;
    }

    /// <summary>Angle between the concatenations of the selected tensors (all tensors when null).</summary>
    public static double Degrees(NetworkGradient a, NetworkGradient b, IEnumerable<TensorId>? selection = null)
    {
        TensorId[]? tensors = selection?.ToArray();
        return Degrees(a.ToVector(tensors), b.ToVector(tensors));
    }

    /// <summary>Angle between two tied-weight directions (all W[l] and Bias[l]).</summary>
    public static double Degrees(TiedGradient a, TiedGradient b) => Degrees(a.ToVector(), b.ToVector());

    /// <summary>Euclidean norm.</summary>
    public static double Norm(IReadOnlyList<double> vector)
    {
        double sum = 0.0;
        for (int index = 0; index < vector.Count; index++)
            sum += vector[index] * vector[index];
        return Math.Sqrt(sum);
    }
}
