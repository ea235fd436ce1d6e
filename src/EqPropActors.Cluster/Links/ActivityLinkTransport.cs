using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Transport;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// A cluster node's transport: a neighbour on another node whose node offers an activity link is reached over that
/// link, everything else by actor messages (Akka.Remote, or in-process). All messages from one group to a neighbour
/// take the same channel, so each pair of groups has one ordered channel (the async schedule relies on it).
/// </summary>
public sealed class ActivityLinkTransport(ActivityLinks links) : INeighbourTransport
{
    public INeighbourChannel ChannelTo(NeighbourAddress neighbour) =>
        links.ClientFor(neighbour.Actor, neighbour.LinkEndpoint) is { } client
            ? new LinkChannel(neighbour.Actor, client)
            : ActorMessageTransport.Instance.ChannelTo(neighbour);

    /// <summary>Writes each message on the link on the sending group's own thread; the receiving node's reader
    /// hands it to the neighbour's mailbox (with no sender: see the groups' neighbour gate).</summary>
    private sealed class LinkChannel(IActorRef actor, ActivityLinkClient link) : INeighbourChannel
    {
        public IActorRef Actor => actor;

        public void Send(IEngineMessage message, IActorRef sender) => link.Send(actor.Path, message);
    }
}
