using EqPropActors.Core.Network;
using EqPropActors.Core.Training;

namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// A training state as a NumPy .npz archive, so Python users can open it with numpy.load: full unpadded weight
/// matrices named Wff{l} [n_{l−1} × n_l], Wfb{l} [n_{l+1} × n_l] and b{l}; optimizer velocities prefixed
/// "velocity_"; and the scalars completed_epochs and seed and the array layer_sizes. A checkpoint taken inside an
/// epoch also holds minibatches_done (of epoch completed_epochs + 1) and the epoch's totals so far ("partial_*");
/// one without minibatches_done (written before these existed) is at an epoch boundary.
/// </summary>
public static class Checkpoint
{
    public static void Save(string path, TrainingState state, int seed)
    {
        var arrays = new List<NpyArray>
        {
            new("layer_sizes", [state.Weights.LayerSizes.Count], state.Weights.LayerSizes.ToArray()),
            NpyArray.Scalar("completed_epochs", state.CompletedEpochs),
            NpyArray.Scalar("seed", seed),
            NpyArray.Scalar("minibatches_done", state.MinibatchesDone),
        };
        if (state.MinibatchesDone > 0)
            arrays.AddRange(EpochTotalsArrays.From(state.EpochSoFar));
        AddTensors(arrays, state.Weights, "");
        if (state.Velocity is not null)
            AddTensors(arrays, state.Velocity, "velocity_");
        NpzArchive.Write(path, arrays);
    }

    /// <summary>Loads a checkpoint and checks it against the layer sizes the run expects.</summary>
    public static TrainingState Load(string path, IReadOnlyList<int> expectedLayers)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        var archive = NpzArchive.Read(path);
        int[] layers = archive["layer_sizes"].AsInt32();
        if (!layers.SequenceEqual(expectedLayers))
            throw new InvalidDataException($"checkpoint '{path}' is for layers {string.Join(',', layers)}, not {string.Join(',', expectedLayers)}");
        var weights = ReadTensors(archive, path, layers, "");
        var velocity = archive.Contains("velocity_Wff1") ? ReadTensors(archive, path, layers, "velocity_") : null;
        int minibatchesDone = archive.Contains("minibatches_done") ? archive["minibatches_done"].ScalarValue<int>() : 0;
        if (minibatchesDone < 0)
            throw new InvalidDataException($"checkpoint '{path}': minibatches_done is {minibatchesDone}, expected 0 or more");
        return new TrainingState(archive["completed_epochs"].ScalarValue<int>(), weights, velocity)
        {
            MinibatchesDone = minibatchesDone,
            EpochSoFar = minibatchesDone > 0 ? EpochTotalsArrays.Read(archive) : EpochTotals.None,
        };
    }

    /// <summary>The run seed a checkpoint records (null for an archive without one).</summary>
    public static int? SeedOf(string path)
    {
        var archive = NpzArchive.Read(path);
        return archive.Contains("seed") ? archive["seed"].ScalarValue<int>() : null;
    }

    private static void AddTensors(List<NpyArray> arrays, ParameterSet set, string prefix)
    {
        foreach (var (name, values, rows, columns) in set.Tensors())
            arrays.Add(rows == 1 && name.StartsWith('b')
                ? new NpyArray(prefix + name, [columns], values)
                : new NpyArray(prefix + name, [rows, columns], values));
    }

    private static ParameterSet ReadTensors(NpzArchive archive, string path, int[] layers, string prefix)
    {
        var set = ParameterSet.Zeros(layers);
        foreach (var (name, values, rows, columns) in set.Tensors())
        {
            var array = archive[prefix + name];
            int[] expectedShape = name.StartsWith('b') ? [columns] : [rows, columns];
            if (!array.Shape.SequenceEqual(expectedShape))
                throw new InvalidDataException($"checkpoint '{path}': {prefix}{name} has shape ({string.Join(',', array.Shape)}), expected ({string.Join(',', expectedShape)})");
            array.AsFloat32().CopyTo(values, 0);
        }
        return set;
    }

    /// <summary>Persistent particles in their own archive (they are large: one state per training sample).</summary>
    public static void SaveParticles(string path, float[][] particles, int completedEpochs, int minibatchesDone = 0)
    {
        var arrays = new List<NpyArray>
        {
            NpyArray.Scalar("completed_epochs", completedEpochs),
            NpyArray.Scalar("minibatches_done", minibatchesDone),
        };
        for (int l = 1; l < particles.Length; l++)
            arrays.Add(new NpyArray($"s{l}", [particles[l].Length], particles[l]));
        NpzArchive.Write(path, arrays);
    }

    /// <summary>Loads the particles saved with the checkpoint at the given position, and checks that they are.</summary>
    public static float[][] LoadParticles(string path, IReadOnlyList<int> layers, int completedEpochs, int minibatchesDone = 0)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{path}' is missing: a run with persistent particles needs it to resume exactly", path);
        var archive = NpzArchive.Read(path);
        int epochs = archive["completed_epochs"].ScalarValue<int>();
        int done = archive.Contains("minibatches_done") ? archive["minibatches_done"].ScalarValue<int>() : 0;
        if (epochs != completedEpochs || done != minibatchesDone)
            throw new InvalidDataException(
                $"'{path}' holds the particles after {TrainingState.DescribePosition(epochs, done)}, but the checkpoint is from {TrainingState.DescribePosition(completedEpochs, minibatchesDone)}");
        var particles = new float[layers.Count][];
        particles[0] = [];
        for (int l = 1; l < layers.Count; l++)
        {
            particles[l] = archive[$"s{l}"].AsFloat32();
            if (particles[l].Length % layers[l] != 0)
                throw new InvalidDataException($"'{path}': s{l} holds {particles[l].Length} values, not a whole number of layer-{l} states of {layers[l]}");
        }
        return particles;
    }
}
