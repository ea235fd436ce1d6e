using Akka.Actor;
using Akka.Cluster;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// On a worker: when the coordinator leaves the cluster (its run ended, or it was stopped), the workers would stay
/// behind in a cluster of their own, which the next coordinator — its own first seed node — does not join. So the
/// worker leaves too; <c>eqprop node</c> then starts a fresh incarnation that joins the next coordinator.
/// (A coordinator that vanishes without leaving is handled by the split-brain resolver, which downs the workers.)
/// </summary>
public sealed class CoordinatorDepartureWatch(Action<string> notice) : MemberEventListener<ClusterEvent.MemberRemoved>
{
    public static Props Props(Action<string> notice) => Akka.Actor.Props.Create(() => new CoordinatorDepartureWatch(notice));

    protected override void OnEvent(ClusterEvent.MemberRemoved removed)
    {
        if (!removed.Member.HasRole("coordinator"))
            return;
        notice($"the coordinator {removed.Member.Address} has left; leaving too, to join the next one");
        Cluster.Leave(Cluster.SelfAddress);
    }
}
