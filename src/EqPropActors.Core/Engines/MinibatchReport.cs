namespace EqPropActors.Core.Engines;

/// <summary>Convergence of one phase over a minibatch: residual ‖s_T − s_{T−1}‖/dt per sample, summarised, and the
/// steps T the phase took.</summary>
public readonly record struct PhaseConvergence(string Phase, double MeanResidual, double MaxResidual, int NonConverged, int Steps)
{
    /// <summary>Summarises per-sample ‖s_T − s_{T−1}‖² of the phase's last step; NaN counts as not converged.</summary>
    public static PhaseConvergence FromSquaredSteps(string phase, ReadOnlySpan<float> squaredSteps, float dt, float tolerance, int steps)
    {
        double sum = 0, max = 0;
        int nonConverged = 0;
        foreach (float squared in squaredSteps)
        {
            double residual = Math.Sqrt(squared) / dt;
            sum += residual;
            max = double.IsNaN(residual) ? double.NaN : Math.Max(max, residual);
            if (!(residual <= tolerance))
                nonConverged++;
        }
        return new PhaseConvergence(phase, sum / squaredSteps.Length, max, nonConverged, steps);
    }
}

/// <summary>What a minibatch produced: free-phase loss and errors, and how well each phase converged.</summary>
public sealed record MinibatchReport(int Rows, double LossSum, int Errors, IReadOnlyList<PhaseConvergence> Phases)
{
    /// <summary>Messages, steps and staleness of the groups (distributed engines only).</summary>
    public EngineStatistics Statistics { get; init; } = EngineStatistics.None;

    public int NonConverged => Phases.Sum(p => p.NonConverged);
}
