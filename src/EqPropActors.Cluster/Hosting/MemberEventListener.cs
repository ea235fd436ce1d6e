using Akka.Actor;
using Akka.Cluster;

namespace EqPropActors.Cluster.Hosting;

/// <summary>An actor that reacts to one kind of cluster event on the node it runs on, subscribed while it lives.</summary>
public abstract class MemberEventListener<TEvent> : ReceiveActor where TEvent : ClusterEvent.IClusterDomainEvent
{
    protected MemberEventListener()
    {
        Receive<TEvent>(OnEvent);
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { }); // the subscription's current-state snapshot
    }

    protected Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(Context.System);

    protected abstract void OnEvent(TEvent e);

    protected override void PreStart() => Cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(TEvent));

    protected override void PostStop() => Cluster.Unsubscribe(Self);
}
