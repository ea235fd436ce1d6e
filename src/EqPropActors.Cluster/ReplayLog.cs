using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster;

/// <summary>
/// The last parameter snapshot and the training minibatches run since: what the cluster engine needs to rebuild
/// the parameters after losing a worker. Minibatches are copied (the trainer reuses its buffers), including the
/// persistent particles as they were before the minibatch ran.
/// </summary>
internal sealed class ReplayLog(int snapshotEvery)
{
    private readonly List<Entry> _entries = [];

    public ParameterSet? Weights { get; private set; }
    public ParameterSet? Velocity { get; private set; }
    public IReadOnlyList<Entry> Entries => _entries;
    public int Count => _entries.Count;

    public void Reset(ParameterSet weights, ParameterSet? velocity)
    {
        (Weights, Velocity) = (weights, velocity);
        _entries.Clear();
    }

    /// <summary>Logs a training minibatch; true when a snapshot is due.</summary>
    public bool Add(Entry entry)
    {
        _entries.Add(entry);
        return _entries.Count >= snapshotEvery;
    }

    /// <summary>The free fixed points a run wrote into its copy go back into the trainer's minibatch.</summary>
    public static void CopyParticles(Minibatch from, Minibatch to)
    {
        if (from.Particles is null || to.Particles is null)
            return;
        for (int l = 0; l < to.Particles.Length; l++)
            from.Particles[l].CopyTo(to.Particles[l], 0);
    }

    public sealed class Entry
    {
        private readonly Minibatch _batch;

        public Entry(Minibatch batch, MinibatchPlan plan, float dt, float tolerance)
        {
            _batch = Copy(batch);
            (Plan, Dt, Tolerance) = (plan, dt, tolerance);
        }

        public MinibatchPlan Plan { get; }
        public float Dt { get; }
        public float Tolerance { get; }

        /// <summary>The minibatch to run. A run only reads inputs and targets, but overwrites persistent particles with
        /// the fixed points it reaches: with particles, each run gets its own copy of them.</summary>
        public Minibatch Fresh() => _batch.Particles is null ? _batch : Copy(_batch);

        private static Minibatch Copy(Minibatch source)
        {
            var copy = new Minibatch(source.Rows, source.InputStride, source.TargetStride) { Rows = source.Rows };
            source.Inputs.AsSpan(0, source.Rows * source.InputStride).CopyTo(copy.Inputs);
            source.Targets.AsSpan(0, source.Rows * source.TargetStride).CopyTo(copy.Targets);
            source.Labels.AsSpan(0, source.Rows).CopyTo(copy.Labels);
            source.SampleIndices.AsSpan(0, source.Rows).CopyTo(copy.SampleIndices);
            copy.Particles = source.Particles?.Select(layer => (float[])layer.Clone()).ToArray();
            return copy;
        }
    }
}
