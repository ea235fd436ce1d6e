using System.Buffers;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// A neighbour's rates as a group holds them, and who owns the array. <see cref="Owned"/>: the group rented it
/// from the shared pool (async copies, and every activity read from the network) and returns it with
/// <see cref="Release"/> once no step can read it again. Otherwise it is the sender's own buffer (sync, in one
/// process), which the sender leaves unchanged until this group has stepped with it, and is never returned here.
/// </summary>
internal readonly record struct InboundRates(float[] Values, bool Owned)
{
    public void Release()
    {
        if (Owned)
            ArrayPool<float>.Shared.Return(Values);
    }
}
