using System.Buffers;
using Akka.Actor;
using Akka.Event;
using EqPropActors.Actors.Messages;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// What a group accepts from neighbours on other nodes. In one process a message that does not fit (an earlier
/// minibatch, a step seen twice) is a bug of the engine and stops the run with its description. From another node
/// it may also be a peer gone wrong, and one bad message must not stop a run by itself: it is dropped, counted, and
/// logged at most once per <see cref="DropWarningInterval"/>. Messages that arrive ahead of this group wait in the
/// stash, but only up to one minibatch ahead (no neighbour can be further: it needs this group's activity to get
/// there) and only up to <see cref="MaxStashed"/> of them, so nobody can make a group hoard memory.
/// </summary>
public sealed partial class NeuronGroupActor
{
    /// <summary>A sync neighbour is at most a step ahead, an async one a phase: far below this in any run.</summary>
    internal const int MaxStashed = 4096;

    private static readonly TimeSpan DropWarningInterval = TimeSpan.FromSeconds(10);
    private long _droppedFromOtherNodes;
    private long _dropsSinceWarning;
    private DateTime _lastDropWarning = DateTime.MinValue;

    /// <summary>Messages that reach a group over the network carry a remote sender, or none at all (the activity links).</summary>
    private bool FromAnotherNode => Sender.IsNobody() || !Sender.Path.Address.HasLocalScope;

    /// <summary>True when a message from a neighbour may be handled; false when it was dropped.</summary>
    private bool AdmitFromNeighbour(object message)
    {
        if (!FromAnotherNode)
            return true;
        var (source, minibatch) = message switch
        {
            Activity m => (m.Source, m.Minibatch),
            ActivityUnchanged m => (m.Source, m.Minibatch),
            Resting m => (m.Source, m.Minibatch),
            PhaseEndActivity m => (m.Source, m.Minibatch),
            _ => (-1, _minibatch),
        };
        string? problem =
            source < 0 ? null
            : source >= _sourceIndexById.Length || _sourceIndexById[source] < 0 ? $"group {source} is not a source of {Spec.Name}"
            : minibatch < _minibatch ? $"it belongs to minibatch {minibatch}, which this group has finished"
            : _minibatch >= 0 && minibatch > _minibatch + 1 ? $"it belongs to minibatch {minibatch}, more than one ahead of this group's"
            : minibatch > _minibatch && Stash.Count >= MaxStashed ? $"{MaxStashed} messages that arrived ahead wait already"
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
    private void Reject(object message, string problem)
    {
        if (!FromAnotherNode)
            throw new InvalidOperationException(problem);
        Drop(message, problem);
    }

    private void Drop(object message, string problem)
    {
        if (message is Activity { Pooled: true } activity)
            ArrayPool<float>.Shared.Return(activity.Rates);
        _droppedFromOtherNodes++;
        _dropsSinceWarning++;
        var now = DateTime.UtcNow;
        if (now - _lastDropWarning < DropWarningInterval)
            return;
        Context.GetLogger().Warning("group {0} dropped a {1} from another node: {2} ({3} dropped so far)",
            Spec.Name, message.GetType().Name, problem, _droppedFromOtherNodes);
        (_lastDropWarning, _dropsSinceWarning) = (now, 0);
    }
}
