using Akka.Actor;

namespace EqPropActors.Actors.Messages;

/// <summary>
/// Where a group is: its actor and, on a cluster, the activity-link endpoint ("host:port") of its node, or "" when
/// its node has none (links off, or one process). Plain data: each group's own transport decides how to use it.
/// </summary>
public sealed record NeighbourAddress(IActorRef Actor, string LinkEndpoint)
{
    public static NeighbourAddress InProcess(IActorRef actor) => new(actor, "");
}

/// <summary>Coordinator → group, once: the address of every group, indexed by group id (null for the clamped input).</summary>
public sealed record Wire(NeighbourAddress?[] GroupsById) : IEngineMessage
{
    /// <summary>Groups of one process, which reach each other by actor messages.</summary>
    public static Wire InProcess(params IActorRef?[] groupsById) =>
        new(groupsById.Select(a => a is null ? null : NeighbourAddress.InProcess(a)).ToArray());
}
