using Akka.Actor;
using EqPropActors.Actors.Messages;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// A remote group as its neighbours on other nodes see it: step messages (<see cref="Activity"/>) go over the
/// activity link, everything else through Akka.Remote as before. Groups only ever tell it things.
/// </summary>
internal sealed class LinkedActorRef(IInternalActorRef target, ActivityLinkClient link, IActorRefProvider provider) : MinimalActorRef
{
    public override ActorPath Path => target.Path;

    public override IActorRefProvider Provider => provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Activity activity)
            link.Send(target.Path, activity);
        else
            target.Tell(message, sender);
    }
}
