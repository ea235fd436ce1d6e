namespace EqPropActors.Cluster.Links;

/// <summary>
/// What one link server spends at most on connections. A run needs one link from each other node that hosts
/// groups, so <see cref="MaxConnections"/> is far above any real cluster's needs and far below what would hurt.
/// </summary>
public sealed record LinkLimits(int MaxConnections, int MaxPendingHandshakes, TimeSpan HandshakeTimeout, TimeSpan WarningInterval)
{
    public static LinkLimits Default { get; } = new(MaxConnections: 64, MaxPendingHandshakes: 16, HandshakeTimeout: TimeSpan.FromSeconds(5),
        WarningInterval: TimeSpan.FromSeconds(10));
}
