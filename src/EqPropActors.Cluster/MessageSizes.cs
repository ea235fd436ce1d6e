using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster;

/// <summary>The largest message a run sends between nodes, to check against every node's transport frame size.</summary>
public static class MessageSizes
{
    private const long Overhead = 1024; // headers, manifests, actor paths

    /// <summary>The largest chunk of a group's step record (eqprop trace) to send at once: well inside the smallest
    /// frame of the nodes involved, and no larger than <see cref="MaxRecordChunkBytes"/>, so that one chunk never holds
    /// the connection it shares with everything else for long.</summary>
    public static int RecordChunkBytes(long smallestFrame) => (int)Math.Clamp(smallestFrame - Overhead, 1, MaxRecordChunkBytes);

    public const int MaxRecordChunkBytes = 1 << 20;

    public static (long Bytes, string What) Largest(NetworkSpec network, int maxRows)
    {
        var candidates = new List<(long, string)>
        {
            ((long)maxRows * Padding.RoundUp(network.InputSize) * sizeof(float), $"the input block of {maxRows} rows"),
        };
        foreach (var group in network.FreeGroups)
        {
            candidates.Add(((long)maxRows * group.PaddedSize * sizeof(float), $"an activity block of group {group.Name} ({maxRows} rows × {group.PaddedSize})"));
            var slice = GroupSlice.Zeros(network, group);
            long parameters = (slice.Forward.Length + slice.Feedback.Length + slice.Bias.Length) * (long)sizeof(float);
            candidates.Add((2 * parameters, $"the weights and velocities of group {group.Name}"));
        }
        var (bytes, what) = candidates.MaxBy(c => c.Item1);
        return (bytes + Overhead, what);
    }
}
