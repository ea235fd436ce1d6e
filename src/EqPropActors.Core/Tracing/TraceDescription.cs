namespace EqPropActors.Core.Tracing;

/// <summary>
/// Where a trace comes from, for trace.json: the run folder and checkpoint (null when traced from training weights in
/// memory), the epoch the weights are from, which data set the probe samples are taken from and which samples they
/// are, and the step settings of the relaxation.
/// </summary>
public sealed record TraceDescription(
    string? Run,
    string? Checkpoint,
    int Epoch,
    string ProbeSet,
    IReadOnlyList<int> SampleIndices,
    IReadOnlyList<int> Labels,
    float Dt,
    float Tolerance)
{
    /// <summary>What relaxed the probe, for trace.json: the batch engine, or the actor engine with its schedule and settings.</summary>
    public string Schedule { get; init; } = "batch engine";
}
