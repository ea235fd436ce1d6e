using EqPropActors.Core.Data;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// Relaxes one probe minibatch (the first K samples of the validation split, or of the test set when the run has
/// none) through the run's phases (free, nudged, and −β with --third-phase) with the run's network and step settings,
/// on an engine of its own with a recorder attached (the batch engine, or the actor engine's groups each recording its
/// own, in this process or on cluster workers whose records the cluster engine gathers into the trace). Nothing is
/// learned, and the engine that trains is never touched, so tracing cannot change a run.
/// </summary>
public static class ProbeRelaxation
{
    public const int DefaultSamples = 8;

    /// <summary>The samples to probe with, and the name of the set they come from.</summary>
    public static (Dataset Set, string Name) ProbeSetOf(DataSplit data) =>
        data.Validation is { } validation ? (validation, "validation") : (data.Test, "test");

    /// <summary>Builds an engine whose groups record each its own steps into the given trace (the actor or cluster engine),
    /// for a network and a number of minibatch rows; the relaxation then runs on it instead of the batch engine.</summary>
    public delegate IEngine GroupwiseEngineFactory(NetworkSpec network, int rows, GroupwiseTrace trace);

    /// <param name="groupwiseEngine">Null: relax on a batch engine with a recorder. Otherwise the engine to relax on,
    /// and <paramref name="schedule"/> says what it is, for trace.json.</param>
    public static (RelaxationTrace Trace, TraceDescription Description) Record(TrainingConfig config, ParameterSet weights, DataSplit data,
        int samples, IReadOnlyList<GroupSpec> groups, int epoch, string? run = null, string? checkpoint = null,
        GroupwiseEngineFactory? groupwiseEngine = null, string schedule = "batch engine")
    {
        var (probe, probeName) = ProbeSetOf(data);
        if (samples < 1 || samples > probe.Count)
            throw new ConfigurationException($"--samples must be between 1 and {probe.Count} (the {probeName} set's size), got {samples}");
        var network = config.CreateNetwork();
        int[] indices = Enumerable.Range(0, samples).ToArray();
        var batch = new Minibatch(samples, Padding.RoundUp(network.InputSize), Padding.RoundUp(network.OutputSize));
        batch.Load(probe, indices);
        // β with its configured sign: --random-sign draws a sign per training minibatch, the probe shows the positive one.
        var rule = new RuleApplication(config.Rule, config.Beta, config.ThirdPhase, config.Momentum);
        var plan = MinibatchPlan.Training(config.FreeSteps, config.NudgedSteps, rule, UpdateMode.None);

        RelaxationTrace trace;
        if (groupwiseEngine is null)
        {
            using var engine = new BatchEngine(network, samples, config.LearningRates, config.Threads);
            engine.LoadParameters(weights, null);
            trace = new RelaxationTrace(groups);
            engine.Recorder = trace;
            engine.Run(batch, plan, config.Dt, config.Tolerance);
        }
        else
        {
            var recorded = new GroupwiseTrace(groups);
            using (var engine = groupwiseEngine(network, samples, recorded))
            {
                engine.LoadParameters(weights, null);
                engine.Run(batch, plan, config.Dt, config.Tolerance);
            }
            trace = RelaxationTrace.FromGroups(recorded, plan);
        }

        var labels = indices.Select(i => (int)probe.Labels[i]).ToArray();
        return (trace, new TraceDescription(run, checkpoint, epoch, probeName, indices, labels, config.Dt, config.Tolerance) { Schedule = schedule });
    }
}
