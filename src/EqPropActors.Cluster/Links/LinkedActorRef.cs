using Akka.Actor;
using EqPropActors.Actors.Messages;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// A remote group as its neighbours on other nodes (and the coordinator, for the minibatch's start) see it: step
/// messages (<see cref="Activity"/>) and <see cref="StartMinibatch"/> with its input block go over the activity link,
/// everything else through Akka.Remote as before. Only ever told things, never watched.
/// </summary>
internal sealed class LinkedActorRef(IInternalActorRef target, ActivityLinkClient link, IActorRefProvider provider) : MinimalActorRef
{
    public override ActorPath Path => target.Path;

    public override IActorRefProvider Provider => provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Activity or StartMinibatch)
            link.Send(target.Path, message);
        else
            target.Tell(message, sender);
    }
}
