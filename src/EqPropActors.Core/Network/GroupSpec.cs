namespace EqPropActors.Core.Network;

/// <summary>
/// A neuron group: a contiguous slice of one layer that is stepped as a unit (by one actor, in the actor engines).
/// States are stored with <see cref="PaddedSize"/> columns so that the vector kernels never need a tail loop;
/// the padding columns hold zeros and stay zero (zero weights, zero bias).
/// </summary>
public sealed record GroupSpec(int Id, int Layer, int IndexInLayer, int Offset, int Size)
{
    /// <summary>Column stride of every buffer of this group (multiple of <see cref="Kernels.Padding.Lanes"/>).</summary>
    public int PaddedSize => Kernels.Padding.RoundUp(Size);

    public string Name => $"L{Layer}G{IndexInLayer}";

    public override string ToString() => $"{Name} (units {Offset}..{Offset + Size - 1})";
}
