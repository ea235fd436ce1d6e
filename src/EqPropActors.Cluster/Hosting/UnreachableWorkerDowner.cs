using Akka.Actor;
using Akka.Cluster;

namespace EqPropActors.Cluster.Hosting;

/// <summary>On the coordinator: downs a worker as soon as it is unreachable, so that its groups are re-placed at once
/// instead of after the split-brain resolver's stable-after.</summary>
public sealed class UnreachableWorkerDowner(Action<string> notice) : MemberEventListener<ClusterEvent.UnreachableMember>
{
    public static Props Props(Action<string> notice) => Akka.Actor.Props.Create(() => new UnreachableWorkerDowner(notice));

    protected override void OnEvent(ClusterEvent.UnreachableMember unreachable)
    {
        if (!unreachable.Member.HasRole("worker"))
            return;
        notice($"worker {unreachable.Member.Address} is unreachable: downing it");
        Cluster.Down(unreachable.Member.Address);
    }
}
