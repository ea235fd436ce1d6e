using Akka.Actor;
using Akka.Cluster;
using EqPropActors.Actors.Coordination;
using EqPropActors.Cluster.Messages;
using EqPropActors.Cluster.Serialization;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// The worker members a coordinator can use (the cluster engine's groups, a study's whole runs): which are up, waiting
/// for enough of them with a message that says what to start, and asking one to describe itself.
/// </summary>
public static class ClusterWorkers
{
    /// <summary>Worker members that are up and reachable.</summary>
    public static IReadOnlyList<Member> Up(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        return state.Members.Where(m => m.Status == MemberStatus.Up && m.HasRole("worker") && !unreachable.Contains(m.UniqueAddress)).ToList();
    }

    public static HashSet<Address> UpAddresses(Akka.Cluster.Cluster cluster) => Up(cluster).Select(m => m.Address).ToHashSet();

    /// <summary>
    /// Waits until <paramref name="count"/> workers are up and reachable, at most join-timeout; then an error that says
    /// what to start. <paramref name="purpose"/> completes "waited N s for K worker(s) ...".
    /// </summary>
    public static HashSet<Address> WaitFor(ClusterNode node, int count, string purpose, ClusterSettings? settings = null, CancellationToken cancellation = default)
    {
        var timeout = (settings ?? node.Settings).JoinTimeout;
        var deadline = DateTime.UtcNow + timeout;
        HashSet<Address> up;
        while ((up = UpAddresses(node.Cluster)).Count < count)
        {
            if (DateTime.UtcNow > deadline)
                throw NotEnough(node, timeout, count, purpose, up);
            cancellation.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100));
            cancellation.ThrowIfCancellationRequested();
        }
        return up;
    }

    /// <summary>The error when fewer than <paramref name="count"/> workers came within join-timeout.</summary>
    public static EngineFailureException NotEnough(ClusterNode node, TimeSpan waited, int count, string purpose, IReadOnlyCollection<Address> up) =>
        new($"waited {waited.TotalSeconds:F0} s for {count} worker(s) {purpose}, {up.Count} joined " +
            $"[{string.Join(", ", up)}]: start them with `eqprop node --config <worker file>` (see cluster-config/README.md), " +
            $"or lower eqprop.cluster.expected-workers in {node.Source}");

    /// <summary>Asks the worker at <paramref name="address"/> who it is; refuses one that speaks another wire protocol.</summary>
    public static Worker Describe(ClusterNode node, Address address, TimeSpan timeout) => DescribeAsync(node, address, timeout).GetAwaiter().GetResult();

    public static async Task<Worker> DescribeAsync(ClusterNode node, Address address, TimeSpan timeout)
    {
        var info = node.System.ActorSelection(new RootActorPath(address) / "user" / ClusterNode.InfoName);
        Worker worker;
        try
        {
            worker = new Worker(address, await info.Ask<HostDescription>(DescribeHost.Instance, timeout));
        }
        catch (AskTimeoutException)
        {
            throw new EngineFailureException($"worker {address} is a member but did not describe itself within {timeout.TotalSeconds:F0} s: is it an eqprop node?");
        }
        if (worker.Description.ProtocolVersion != EngineMessageSerializer.ProtocolVersion)
            throw new ConfigurationException($"worker {worker.Name} speaks wire protocol {worker.Description.ProtocolVersion}, this coordinator " +
                $"{EngineMessageSerializer.ProtocolVersion}: run the same EqPropActors build on every node");
        return worker;
    }
}
