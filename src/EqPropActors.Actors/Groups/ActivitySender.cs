using System.Buffers;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// Sends a group's rates of a step to its targets, and counts what it sent.
/// <para>
/// Buffer ownership. <see cref="Shared"/> sends the group's own rate buffer, without a copy: under the sync schedule
/// the group overwrites it only when computing step + 2, which needs every neighbour's step + 1 activity, and a
/// neighbour sends that only after its own step with these rates (neighbours are mutual). A delegated drive
/// alternates between two buffers for the same reason. <see cref="Copied"/> sends each target a pooled copy that
/// the receiver owns (async: the group keeps stepping while the copy waits), through lossy and noisy channels when
/// the schedule says so.
/// </para>
/// </summary>
internal sealed class ActivitySender(NeuronGroup group, GroupNeighbours neighbours, DriveDelegation drives, PhaseProgress progress,
    ChannelImperfections channels)
{
    private readonly int[] _latestDelivered = new int[neighbours.TargetSpecs.Length];

    /// <summary>Per target (in the order of <see cref="GroupNeighbours.TargetSpecs"/>): the step of the latest activity
    /// that reached it with a payload, i.e. was not lost on the way (−1 before any in this phase).</summary>
    public ReadOnlySpan<int> LatestDeliveredStep => _latestDelivered;

    /// <summary>The step of the latest message of any kind sent in this phase (its neighbours' view of its clock).</summary>
    public int LatestStep { get; private set; } = -1;

    public void Shared(int step, IActorRef self)
    {
        LatestStep = step;
        var targets = neighbours.Targets;
        for (int i = 0; i < targets.Length; i++)
        {
            if (drives.DrivesOfTargets[i] is { } drive)
            {
                targets[i].Send(new Activity(group.Spec.Id, progress.Minibatch, progress.PhaseIndex, step, drive.Compute(group.Rates, group.Rows),
                    group.Rows * drive.Receiver.PaddedSize), self);
                progress.BytesSent += (long)group.Rows * drive.Receiver.Size * sizeof(float);
            }
            else
            {
                targets[i].Send(new Activity(group.Spec.Id, progress.Minibatch, progress.PhaseIndex, step, group.Rates, group.Rows * group.Stride), self);
                progress.BytesSent += (long)group.Rows * group.Spec.Size * sizeof(float);
            }
        }
        progress.MessagesSent += targets.Length;
    }

    public void Copied(int step, IActorRef self)
    {
        LatestStep = step;
        var rates = group.Rates.AsSpan(0, group.Rows * group.Stride);
        for (int t = 0; t < neighbours.Targets.Length; t++)
        {
            var target = neighbours.Targets[t];
            progress.BytesSent += (long)group.Rows * group.Spec.Size * sizeof(float);
            if (step > 0 && channels.Loses())
            {
                // Lost on the way: the receiver keeps its last view. The payload-free marker is the simulator's clock
                // bookkeeping (the receiver learns that the step happened), not a message of the model.
                target.Send(new ActivityUnchanged(group.Spec.Id, progress.Minibatch, progress.PhaseIndex, step), self);
                progress.MessagesLost++;
                continue;
            }
            var copy = CopyOf(rates);
            if (channels.AnyNoise)
                channels.AddNoise(copy, group.Rows, group.Stride, group.Spec.Size);
            target.Send(new Activity(group.Spec.Id, progress.Minibatch, progress.PhaseIndex, step, copy, rates.Length) { Pooled = true }, self);
            _latestDelivered[t] = step;
        }
        progress.MessagesSent += neighbours.Targets.Length;
    }

    /// <summary>Payload-free: the group took <paramref name="step"/> but its last activity still stands.</summary>
    public void Unchanged(int step, IActorRef self)
    {
        LatestStep = step;
        foreach (var target in neighbours.Targets)
            target.Send(new ActivityUnchanged(group.Spec.Id, progress.Minibatch, progress.PhaseIndex, step), self);
        progress.MessagesSuppressed += neighbours.Targets.Length;
    }

    /// <summary>A copy rented from the shared pool; its receiver returns it.</summary>
    public static float[] CopyOf(ReadOnlySpan<float> values)
    {
        var copy = ArrayPool<float>.Shared.Rent(values.Length);
        values.CopyTo(copy);
        return copy;
    }
}
