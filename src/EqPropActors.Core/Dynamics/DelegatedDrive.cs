using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// The drive of a group computed by its only source, from a copy of the receiver's synapses and biases.
/// <para>
/// A group whose only non-clamped source is one larger group (the output layer of 784-500-10: 500 units feed 10)
/// needs, at each step, only bias + ρ(source)·W: [rows × its own width] values instead of the source's
/// [rows × source width] rates. The source holds a copy of that W and bias, refreshed by the receiver after every
/// change, and sends the drive; across nodes that is 50× fewer bytes per step for 784-500-10.
/// </para>
/// <para>
/// Nothing about the model changes: the synapses still belong to the receiver, which alone learns them from its own
/// displacement and the source's end-of-phase rates. The drive is the same product, by the same kernel, summed in
/// the same order, as <see cref="NeuronGroup.Step"/> would compute at the receiver, so the schedule stays bit for bit
/// the batch engine.
/// </para>
/// </summary>
public sealed class DelegatedDrive
{
    private readonly float[] _weights;
    private readonly float[] _constant;
    private readonly float[][] _drives = new float[2][];
    private readonly ProductScheduler _products;
    private readonly int _maxRows;
    private int _next;

    public DelegatedDrive(GroupSpec source, GroupSpec receiver, int maxRows, ProductScheduler? products = null)
    {
        Source = source;
        Receiver = receiver;
        _maxRows = maxRows;
        _products = products ?? ProductScheduler.SingleThreaded;
        _weights = new float[source.Size * receiver.PaddedSize];
        _constant = new float[maxRows * receiver.PaddedSize];
        for (int i = 0; i < 2; i++)
            _drives[i] = new float[maxRows * receiver.PaddedSize];
    }

    public GroupSpec Source { get; }
    public GroupSpec Receiver { get; }

    /// <summary>Which parameter version of the receiver the copy holds; −1 before the first.</summary>
    public long Version { get; private set; } = -1;

    /// <summary>
    /// Whether <paramref name="receiver"/>'s drive can be computed by its source: its drive sums exactly one
    /// non-clamped source and its bias (no clamped input, whose contribution the source does not have), and the
    /// drive is narrower than the source's rates.
    /// </summary>
    public static bool Applies(NetworkSpec network, GroupSpec receiver) =>
        SourceOf(network, receiver) is { } source && source.Size > receiver.PaddedSize;

    /// <summary>The one source that makes up <paramref name="receiver"/>'s whole drive besides its bias, or null
    /// (several sources, or the clamped input among them).</summary>
    public static GroupSpec? SourceOf(NetworkSpec network, GroupSpec receiver) =>
        network.SourcesOf(receiver) is [{ Layer: > 0 } only] ? only : null;

    /// <summary>Takes the receiver's synapses from the source ([source units × receiver's padded units]) and biases.</summary>
    public void Update(long version, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias)
    {
        if (weights.Length != _weights.Length || bias.Length != Receiver.PaddedSize)
            throw new ArgumentException($"the drive of {Receiver.Name} needs {_weights.Length} weights and {Receiver.PaddedSize} biases, got {weights.Length} and {bias.Length}");
        weights.CopyTo(_weights);
        for (int r = 0; r < _maxRows; r++)
            bias.CopyTo(_constant.AsSpan(r * Receiver.PaddedSize));
        Version = version;
    }

    /// <summary>
    /// bias + ρ(source)·W for <paramref name="rows"/> rows of <paramref name="sourceRates"/> ([rows × source's padded
    /// size]), into the other of two buffers than the last call: the receiver may still be reading the previous
    /// drive (also across a phase boundary, so the alternation does not follow the step number).
    /// </summary>
    public float[] Compute(float[] sourceRates, int rows)
    {
        int stride = Receiver.PaddedSize;
        var drive = _drives[_next];
        _next ^= 1;
        _products.MultiplyAdd(sourceRates, 0, Source.PaddedSize, _weights, stride, _constant, stride, drive, stride, rows, Source.Size, stride);
        return drive;
    }
}
