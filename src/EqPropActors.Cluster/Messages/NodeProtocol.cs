using EqPropActors.Actors.Messages;

namespace EqPropActors.Cluster.Messages;

/// <summary>Coordinator → a worker's host: who are you and what can you take? Reply: <see cref="HostDescription"/>.</summary>
public sealed record DescribeHost : IEngineMessage
{
    public static DescribeHost Instance { get; } = new();
}

/// <summary>
/// A worker's answer: its name (for explicit placement), the largest frame its transport accepts, the wire protocol
/// it speaks (nodes of different builds must not exchange messages) and its cores.
/// </summary>
public sealed record HostDescription(string NodeName, long MaximumFrameBytes, int ProtocolVersion, int Cores) : IEngineMessage;
