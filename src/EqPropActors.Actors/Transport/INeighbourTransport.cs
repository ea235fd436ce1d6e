using Akka.Actor;
using EqPropActors.Actors.Messages;

namespace EqPropActors.Actors.Transport;

/// <summary>
/// How a group reaches its neighbours. A node hands its transport to every group it hosts; at wiring the group asks
/// it for one channel per neighbour. Every message from one group to another (step activity, rest markers,
/// phase-end rates, drive synapses) takes that channel, so each pair of groups has one ordered channel whatever
/// carries it: the async schedule's end-of-phase logic relies on that order.
/// </summary>
public interface INeighbourTransport
{
    INeighbourChannel ChannelTo(NeighbourAddress neighbour);
}

/// <summary>One ordered, one-way channel from a group to one neighbour.</summary>
public interface INeighbourChannel
{
    /// <summary>The neighbour's actor: for watching, and for naming it in messages.</summary>
    IActorRef Actor { get; }

    /// <summary>
    /// Hands <paramref name="message"/> to the neighbour. Ownership of the arrays it carries passes with it (see
    /// <see cref="Activity.Pooled"/>), except the sender's own rate buffers under the sync schedule, which the
    /// protocol keeps unchanged until the receiver has used them.
    /// </summary>
    void Send(IEngineMessage message, IActorRef sender);
}

/// <summary>One process, or a cluster without links: every message is an Akka message to the neighbour's actor.</summary>
public sealed class ActorMessageTransport : INeighbourTransport
{
    public static ActorMessageTransport Instance { get; } = new();

    public INeighbourChannel ChannelTo(NeighbourAddress neighbour) => new ActorChannel(neighbour.Actor);

    private sealed class ActorChannel(IActorRef actor) : INeighbourChannel
    {
        public IActorRef Actor => actor;

        public void Send(IEngineMessage message, IActorRef sender) => actor.Tell(message, sender);
    }
}
