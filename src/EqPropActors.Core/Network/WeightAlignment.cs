namespace EqPropActors.Core.Network;

/// <summary>
/// The paper's weight-alignment measure: the angle between W_ff and W_fbᵀ of each layer pair,
/// arccos(⟨W_ff, W_fbᵀ⟩_F / (‖W_ff‖_F ‖W_fb‖_F)). Pair l+1 (between layers l and l+1) has feedback
/// Feedback[l], so pairs 2..L have an angle; pair 1 has no feedback into the clamped input.
/// </summary>
public static class WeightAlignment
{
    /// <summary>Angles in degrees for pairs 2..L (index 0 is pair 2).</summary>
    public static double[] AnglesDegrees(ParameterSet parameters)
    {
        var sizes = parameters.LayerSizes;
        var angles = new double[Math.Max(0, sizes.Count - 2)];
        for (int l = 1; l < sizes.Count - 1; l++)
        {
            float[] forward = parameters.Forward[l + 1];  // [n_l × n_{l+1}]
            float[] feedback = parameters.Feedback[l];    // [n_{l+1} × n_l]
            int here = sizes[l], above = sizes[l + 1];
            double dot = 0, forwardNorm = 0, feedbackNorm = 0;
            for (int p = 0; p < here; p++)
                for (int j = 0; j < above; j++)
                {
                    double f = forward[p * above + j], b = feedback[j * here + p];
                    dot += f * b;
                    forwardNorm += f * f;
                    feedbackNorm += b * b;
                }
            double cosine = dot / Math.Sqrt(forwardNorm * feedbackNorm);
            angles[l - 1] = Math.Acos(Math.Clamp(cosine, -1, 1)) * 180 / Math.PI;
        }
        return angles;
    }
}
