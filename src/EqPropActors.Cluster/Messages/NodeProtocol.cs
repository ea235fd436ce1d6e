using EqPropActors.Actors.Messages;

namespace EqPropActors.Cluster.Messages;

/// <summary>Coordinator → a worker's host: who are you and what can you take? Reply: <see cref="HostDescription"/>.</summary>
public sealed record DescribeHost : IEngineMessage
{
    public static DescribeHost Instance { get; } = new();
}

/// <summary>
/// A worker's answer: its name (for explicit placement), the largest frame its transport accepts, the wire protocol
/// it speaks (nodes of different builds must not exchange messages), its cores, and where its activity link server
/// listens ("host:port"; "" when it has none, see <see cref="Links.ActivityLinks"/>).
/// </summary>
public sealed record HostDescription(string NodeName, long MaximumFrameBytes, int ProtocolVersion, int Cores, string LinkEndpoint = "") : IEngineMessage;
