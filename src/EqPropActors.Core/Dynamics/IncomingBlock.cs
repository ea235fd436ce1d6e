using EqPropActors.Core.Network;

namespace EqPropActors.Core.Dynamics;

/// <summary>
/// The synapses from one source group onto the group that owns them (synapses live with their postsynaptic
/// neuron, so the learning rule only needs what this group holds). Stored as [source units × owner's padded
/// units] so that the drive is a plain row-major product ρ(source) · W.
/// </summary>
public sealed class IncomingBlock
{
    public IncomingBlock(GroupSpec source, GroupSpec owner, bool fromBelow, float learningRate)
    {
        Source = source;
        FromBelow = fromBelow;
        LearningRate = learningRate;
        Weights = new float[source.Size * owner.PaddedSize];
    }

    public GroupSpec Source { get; }

    /// <summary>True for forward (bottom-up) synapses, false for feedback (top-down) ones.</summary>
    public bool FromBelow { get; }

    /// <summary>Index of the layer pair this block belongs to: the upper of the two layers it connects.</summary>
    public int Pair => FromBelow ? Source.Layer + 1 : Source.Layer;

    public float LearningRate { get; }
    public float[] Weights { get; }
    public float[]? Velocity { get; private set; }

    /// <summary>Scratch that receives the learning rule's estimate when the rule is evaluated without training.</summary>
    internal float[]? Estimate { get; private set; }

    /// <summary>The source's rates at the current step: wired by the engine before each step (shared buffer or inbox).</summary>
    public float[] SourceRates { get; set; } = [];

    /// <summary>The source's rates at the end of each phase, slots <see cref="PhaseSlot"/> of [rows × stride] each.</summary>
    public float[] SourcePhaseRates { get; set; } = [];

    internal float[] EnsureVelocity() => Velocity ??= new float[Weights.Length];
    internal float[] EnsureEstimate() => Estimate ??= new float[Weights.Length];
}
