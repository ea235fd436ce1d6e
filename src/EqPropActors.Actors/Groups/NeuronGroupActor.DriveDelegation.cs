using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// Drive delegation (sync schedule): a group whose only source is one wider group keeps that source's copy of its
/// synapses current, and the source sends it the drive computed with them (<see cref="DelegatedDrive"/>).
/// </summary>
public sealed partial class NeuronGroupActor
{
    private readonly DelegatedDrive?[] _drivesOfTargets; // per target: its drive, when this group computes it
    private readonly bool _drivenBySource;                // this group's drive comes from its only source
    private long _parameterVersion;                       // loads and updates so far: equal in every group between minibatches

    private void ParametersChanged()
    {
        _parameterVersion++;
        SendDriveWeights();
    }

    /// <summary>A group driven by its source keeps that source's copy of its synapses current (once wired).</summary>
    private void SendDriveWeights()
    {
        if (!_drivenBySource || _sourceActors.Length == 0)
            return;
        var block = _sources[0];
        _sourceActors[0]!.Tell(new DriveWeights(Spec.Id, _parameterVersion, (float[])block.Weights.Clone(), (float[])_group.Bias.Clone()));
    }

    private void TakeDriveWeights(DriveWeights weights)
    {
        var drive = _drivesOfTargets.FirstOrDefault(d => d?.Receiver.Id == weights.Receiver)
            ?? throw new InvalidOperationException($"synapses of group {weights.Receiver}, whose drive {Spec.Name} does not compute");
        drive.Update(weights.Version, weights.Weights, weights.Bias);
        Stash.UnstashAll(); // a phase may be waiting for them
    }

    /// <summary>A phase starts only with the receivers' synapses of this group's own parameter version.</summary>
    private bool HoldsCurrentDriveWeights()
    {
        foreach (var drive in _drivesOfTargets)
            if (drive is not null && drive.Version != _parameterVersion)
                return false;
        return true;
    }
}
