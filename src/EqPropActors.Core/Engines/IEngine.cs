using EqPropActors.Core.Network;

namespace EqPropActors.Core.Engines;

/// <summary>
/// A simulator of the network that runs the phase protocol of a minibatch. Engines differ only in how they
/// schedule the shared group kernel (one process in lockstep, actors, cluster nodes); the trainer drives them all
/// the same way.
/// </summary>
public interface IEngine : IDisposable
{
    NetworkSpec Network { get; }
    int MaxRows { get; }

    void LoadParameters(ParameterSet weights, ParameterSet? velocity);
    ParameterSet ExportWeights();

    /// <summary>The optimizer's velocities, or null when no momentum has been used.</summary>
    ParameterSet? ExportVelocity();

    /// <summary>The last <see cref="UpdateMode.EstimateOnly"/> result: ΔW/α per synapse and bias.</summary>
    ParameterSet ExportEstimate();

    /// <summary>
    /// The first weight block or bias (named by its group) holding NaN, infinity or a magnitude above
    /// <paramref name="bound"/>, or null when training is sound.
    /// </summary>
    string? FindDivergedParameter(float bound);

    MinibatchReport Run(Minibatch batch, MinibatchPlan plan, float dt, float tolerance);
}
