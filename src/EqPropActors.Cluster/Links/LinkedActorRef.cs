using Akka.Actor;
using EqPropActors.Actors.Messages;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// A remote group as its neighbours on other nodes see it: every message groups send each other goes over the
/// activity link, so a pair of groups has one ordered channel; anything else (none is expected) through Akka.Remote.
/// Groups only ever tell it things.
/// </summary>
internal sealed class LinkedActorRef(IInternalActorRef target, ActivityLinkClient link, IActorRefProvider provider) : MinimalActorRef
{
    public override ActorPath Path => target.Path;

    public override IActorRefProvider Provider => provider;

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (message is Activity or ActivityUnchanged or Resting or PhaseEndActivity or DriveWeights)
            link.Send(target.Path, (IEngineMessage)message);
        else
            target.Tell(message, sender);
    }
}
