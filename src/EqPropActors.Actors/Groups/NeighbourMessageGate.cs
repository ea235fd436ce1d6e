using Akka.Actor;
using Akka.Event;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// What a group accepts from neighbours on other nodes. In one process a message that does not fit (an earlier
/// minibatch, a step seen twice) is a bug of the engine and stops the run with its description. From another node
/// it may also be a peer gone wrong, and one bad message must not stop a run by itself: it is dropped, counted, and
/// logged at most once per <see cref="DropWarningInterval"/>. Messages that arrive ahead of the group wait in its
/// stash, but only up to one minibatch ahead (no neighbour can be further: it needs this group's activity to get
/// there) and only up to <see cref="MaxStashed"/> of them, so nobody can make a group hoard memory.
/// </summary>
internal sealed class NeighbourMessageGate(GroupSpec group, GroupNeighbours neighbours, ILoggingAdapter log)
{
    /// <summary>A sync neighbour is at most a step ahead, an async one a phase: far below this in any run.</summary>
    internal const int MaxStashed = 4096;

    private static readonly TimeSpan DropWarningInterval = TimeSpan.FromSeconds(10);
    private long _dropped;
    private DateTime _lastWarning = DateTime.MinValue;

    /// <summary>Messages that reach a group over the network carry a remote sender, or none at all (the activity links).</summary>
    public static bool IsFromAnotherNode(IActorRef sender) => sender.IsNobody() || !sender.Path.Address.HasLocalScope;

    /// <summary>True when a neighbour's message may be handled; false when it was dropped.</summary>
    public bool Admit(IEngineMessage message, IActorRef sender, long currentMinibatch, int stashed)
    {
        if (!IsFromAnotherNode(sender))
            return true;
        var (source, minibatch) = message switch
        {
            Activity m => (m.Source, m.Minibatch),
            ActivityUnchanged m => (m.Source, m.Minibatch),
            Resting m => (m.Source, m.Minibatch),
            PhaseEndActivity m => (m.Source, m.Minibatch),
            _ => (-1, currentMinibatch),
        };
        string? problem =
            source < 0 ? null
            : neighbours.TryIndexOf(source) < 0 ? $"group {source} is not a source of {group.Name}"
            : minibatch < currentMinibatch ? $"it belongs to minibatch {minibatch}, which this group has finished"
            : currentMinibatch >= 0 && minibatch > currentMinibatch + 1 ? $"it belongs to minibatch {minibatch}, more than one ahead of this group's"
            : minibatch > currentMinibatch && stashed >= MaxStashed ? $"{MaxStashed} messages that arrived ahead wait already"
            : null;
        if (problem is null)
            return true;
        Drop(message, problem);
        return false;
    }

    /// <summary>
    /// A message that does not fit the protocol: from another node it is dropped (see the class comment); in one
    /// process it is a bug, and the run stops with <paramref name="problem"/>.
    /// </summary>
    public void Reject(object message, IActorRef sender, string problem)
    {
        if (!IsFromAnotherNode(sender))
            throw new InvalidOperationException(problem);
        Drop(message, problem);
    }

    private void Drop(object message, string problem)
    {
        if (message is Activity { Pooled: true } activity)
            new InboundRates(activity.Rates, Owned: true).Release();
        _dropped++;
        var now = DateTime.UtcNow;
        if (now - _lastWarning < DropWarningInterval)
            return;
        log.Warning("group {0} dropped a {1} from another node: {2} ({3} dropped so far)", group.Name, message.GetType().Name, problem, _dropped);
        _lastWarning = now;
    }
}
