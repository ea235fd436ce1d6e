using EqPropActors.Core.Data;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tracing;

/// <summary>
/// <c>eqprop train --trace-every N</c>: after every N-th epoch's checkpoint, the trace <c>eqprop trace</c> would write
/// for it, into RUN/traces/epoch-N. It relaxes on an engine of its own, so the training engine is never touched.
/// </summary>
public sealed class EpochTracer(RunDirectory run, TrainingConfig config, DataSplit data)
{
    public const string Folder = RunDirectory.EpochTracesFolder;

    private readonly IReadOnlyList<Core.Network.GroupSpec> _groups = config.CreateNetwork().FreeGroups.ToArray();

    public static string FolderOf(string runDirectory, int epoch) => Path.Combine(runDirectory, Folder, $"epoch-{epoch}");

    public void EpochCompleted(TrainingState state)
    {
        if (config.TraceEvery <= 0 || state.CompletedEpochs % config.TraceEvery != 0)
            return;
        var (probe, _) = ProbeRelaxation.ProbeSetOf(data);
        TraceOutput.Write(FolderOf(run.Path, state.CompletedEpochs), config, state.Weights, data,
            Math.Min(ProbeRelaxation.DefaultSamples, probe.Count), _groups, state.CompletedEpochs, run.Path);
    }
}
