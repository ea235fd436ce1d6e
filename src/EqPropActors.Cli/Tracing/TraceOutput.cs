using EqPropActors.Core.Data;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tracing;

/// <summary>
/// One trace folder, as <c>eqprop trace</c> and <c>eqprop train --trace-every</c> both write it: the probe minibatch
/// relaxed with the given weights, trace.npz, trace.json and the plots, replacing an earlier trace in that folder.
/// </summary>
public static class TraceOutput
{
    /// <summary>Everything a trace folder holds; an existing folder with anything else is refused.</summary>
    public static IReadOnlySet<string> Files { get; } =
        new HashSet<string>([TraceFiles.ArraysFile, TraceFiles.DescriptionFile, .. TracePlots.Files], StringComparer.Ordinal);

    public static RelaxationTrace Write(string directory, TrainingConfig config, ParameterSet weights, DataSplit data, int samples,
        IReadOnlyList<GroupSpec> groups, int epoch, string? run = null, string? checkpoint = null,
        ProbeRelaxation.GroupwiseEngineFactory? groupwiseEngine = null, string schedule = "batch engine")
    {
        var (trace, description) = ProbeRelaxation.Record(config, weights, data, samples, groups, epoch, run, checkpoint, groupwiseEngine, schedule);
        TraceFolder.Replace(directory, Files, staging =>
        {
            TraceFiles.Write(staging, trace, description);
            TracePlots.Write(staging, trace, description, config.Layers.Length - 1);
        });
        return trace;
    }
}
