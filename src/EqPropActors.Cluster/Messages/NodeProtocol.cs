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

/// <summary>
/// Coordinator → a worker that will host groups: take part in the run of <paramref name="Key"/> on the activity
/// links (see <see cref="Links.ActivityLinks"/>). Reply: <see cref="LinksOpened"/>.
/// </summary>
public sealed record OpenLinks(Links.RunLinkKey Key) : IEngineMessage;

/// <summary>
/// Where the worker's link server listens ("host:port"), or "" when it has none: links are off on that node
/// (<paramref name="Failure"/> empty) or its server could not listen (<paramref name="Failure"/> says why).
/// </summary>
public sealed record LinksOpened(string Endpoint, string Failure) : IEngineMessage;
