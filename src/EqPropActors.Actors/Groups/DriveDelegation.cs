using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// Drive delegation (sync schedule): a group whose only source is one wider group keeps that source's copy of its
/// synapses current, and the source sends it the drive computed with them (<see cref="DelegatedDrive"/>) instead of
/// its rates. Both sides count parameter versions (loads and updates, equal in every group between minibatches) so
/// that a source starts a phase only with its receivers' synapses of the version it has itself reached.
/// </summary>
internal sealed class DriveDelegation
{
    private readonly NeuronGroup _group;
    private readonly GroupNeighbours _neighbours;
    private long _parameterVersion;

    public DriveDelegation(NeuronGroup group, GroupNeighbours neighbours, bool delegates)
    {
        (_group, _neighbours) = (group, neighbours);
        DrivesOfTargets = neighbours.TargetSpecs
            .Select(t => delegates && DelegatedDrive.Applies(group.Network, t) ? new DelegatedDrive(group.Spec, t, group.MaxRows) : null)
            .ToArray();
        DrivenBySource = delegates && DelegatedDrive.Applies(group.Network, group.Spec);
    }

    /// <summary>Per target (in the order of <see cref="GroupNeighbours.TargetSpecs"/>): its drive, when this group computes it.</summary>
    public DelegatedDrive?[] DrivesOfTargets { get; }

    /// <summary>This group's drive comes from its only source, which sends it instead of its rates.</summary>
    public bool DrivenBySource { get; }

    /// <summary>After a load or an update: the next version, and its synapses to the source that computes the drive.</summary>
    public void ParametersChanged(IActorRef self)
    {
        _parameterVersion++;
        SendWeights(self);
    }

    /// <summary>A group driven by its source keeps that source's copy of its synapses current (once wired).</summary>
    public void SendWeights(IActorRef self)
    {
        if (!DrivenBySource || _neighbours.SourceChannels.Length == 0)
            return;
        var block = _neighbours.Sources[0];
        _neighbours.SourceChannels[0].Send(new DriveWeights(_group.Spec.Id, _parameterVersion, (float[])block.Weights.Clone(), (float[])_group.Bias.Clone()), self);
    }

    public void Take(DriveWeights weights)
    {
        var drive = DrivesOfTargets.FirstOrDefault(d => d?.Receiver.Id == weights.Receiver)
            ?? throw new InvalidOperationException($"synapses of group {weights.Receiver}, whose drive {_group.Spec.Name} does not compute");
        drive.Update(weights.Version, weights.Weights, weights.Bias);
    }

    /// <summary>A phase starts only with the receivers' synapses of this group's own parameter version.</summary>
    public bool HoldsCurrentWeights()
    {
        foreach (var drive in DrivesOfTargets)
            if (drive is not null && drive.Version != _parameterVersion)
                return false;
        return true;
    }
}
