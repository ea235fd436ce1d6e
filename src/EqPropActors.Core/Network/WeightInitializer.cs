using EqPropActors.Core.Randomness;

namespace EqPropActors.Core.Network;

/// <summary>
/// Glorot-uniform initial weights, zero biases, and feedback weights at a chosen angle ψ to the transposed
/// forward weights: W_fb = cos ψ · W_ffᵀ + sin ψ · R⊥, where R⊥ is a Glorot-uniform draw made orthogonal to W_ffᵀ
/// and rescaled to the same Frobenius norm, so that the angle is exactly ψ (0° = symmetric, 90° = independent).
/// </summary>
public static class WeightInitializer
{
    public static ParameterSet Create(IReadOnlyList<int> layerSizes, double initAngleDegrees, int seed)
    {
        if (!(initAngleDegrees is >= 0 and <= 90))
            throw new ArgumentOutOfRangeException(nameof(initAngleDegrees), initAngleDegrees,
                "--init-angle must be between 0 (symmetric) and 90 (independent) degrees");

        var parameters = ParameterSet.Zeros(layerSizes);
        for (int l = 1; l < layerSizes.Count; l++)
            FillGlorotUniform(parameters.Forward[l], layerSizes[l - 1], layerSizes[l], SeedDerivation.Generator(seed, "Wff", l));

        for (int l = 1; l < layerSizes.Count - 1; l++)
        {
            // Feedback into layer l comes from layer l+1 through the pair l+1 whose forward matrix is Forward[l+1].
            int above = layerSizes[l + 1], here = layerSizes[l];
            float[] transposedForward = Transpose(parameters.Forward[l + 1], here, above);
            float[] independent = new float[above * here];
            FillGlorotUniform(independent, above, here, SeedDerivation.Generator(seed, "Wfb", l));
            MixAtAngle(transposedForward, independent, initAngleDegrees, parameters.Feedback[l]);
        }
        return parameters;
    }

    public static float[] Transpose(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        var result = new float[matrix.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                result[c * rows + r] = matrix[r * columns + c];
        return result;
    }

    private static void FillGlorotUniform(Span<float> weights, int fanIn, int fanOut, Random random)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)((2 * random.NextDouble() - 1) * limit);
    }

    private static void MixAtAngle(float[] reference, float[] independent, double degrees, Span<float> result)
    {
        if (degrees == 0)
        {
            reference.CopyTo(result); // exactly tied, bit for bit
            return;
        }
        double referenceNormSquared = Dot(reference, reference);
        double projection = Dot(independent, reference) / referenceNormSquared;
        var orthogonal = new double[reference.Length];
        for (int i = 0; i < orthogonal.Length; i++)
            orthogonal[i] = independent[i] - projection * reference[i];
        double scale = Math.Sqrt(referenceNormSquared / orthogonal.Sum(v => v * v));
        double radians = degrees * Math.PI / 180;
        double cos = degrees == 90 ? 0 : Math.Cos(radians);
        double sin = Math.Sin(radians);
        for (int i = 0; i < result.Length; i++)
            result[i] = (float)(cos * reference[i] + sin * scale * orthogonal[i]);
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += (double)a[i] * b[i];
        return sum;
    }
}
