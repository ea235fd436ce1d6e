using System.Buffers;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The local update: the end-of-phase rates the rule reads are exchanged with the neighbours, then the rule runs.
/// Under the sync schedule nobody waits for it, so requests that come meanwhile wait in the stash.
/// </summary>
public sealed partial class NeuronGroupActor
{
    private readonly List<int> _sharedSlots = []; // phases of this minibatch whose end rates the update reads
    private int _phaseEndsReceived;               // of this minibatch, from all sources
    private ApplyRule? _pendingUpdate;            // waits for the sources' end-of-phase rates

    /// <summary>A source's end-of-phase rates, for the update: any phase of this minibatch (the source may be ahead).</summary>
    private void Receive(PhaseEndActivity end)
    {
        if (end.Minibatch > _minibatch)
        {
            Stash.Stash();
            return;
        }
        if (end.Minibatch < _minibatch)
            throw new InvalidOperationException($"phase-end rates of minibatch {end.Minibatch} during minibatch {_minibatch}");
        var block = _sources[SourceIndex(end.Source)];
        int length = _group.Rows * block.Source.PaddedSize;
        if (end.Length != length)
            throw new InvalidOperationException($"phase-end activity of {length} values expected from {block.Source.Name}, got {end.Length}");
        end.Rates.AsSpan(0, length).CopyTo(block.SourcePhaseRates.AsSpan(end.Slot * length));
        ArrayPool<float>.Shared.Return(end.Rates);
        _phaseEndsReceived++;
        TryUpdate();
    }

    /// <summary>
    /// The update: first every neighbour gets this group's rates at the end of the phases the rule reads, then the
    /// rule runs once the sources' have come. Exchanged here rather than at each phase's end, the large blocks
    /// cross the network while the groups compute their updates instead of before the next phase's first step.
    /// </summary>
    private void BeginUpdate(ApplyRule apply)
    {
        if (apply.Minibatch != _minibatch)
            throw new InvalidOperationException($"the update of minibatch {apply.Minibatch} arrived during minibatch {_minibatch}");
        foreach (int slot in _sharedSlots)
        {
            var rates = _group.PhaseRatesOf(slot);
            foreach (var target in _targets)
                target.Tell(new PhaseEndActivity(Spec.Id, _minibatch, _phaseIndex, slot, CopyOf(rates), rates.Length));
        }
        _pendingUpdate = apply;
        TryUpdate();
    }

    private void TryUpdate()
    {
        if (_pendingUpdate is not { } apply || _phaseEndsReceived < _sharedSlots.Count * _sources.Length)
            return;
        _pendingUpdate = null;
        _group.ApplyLearningRule(apply.Rule, apply.IntoEstimate);
        if (!apply.IntoEstimate)
            ParametersChanged();
        if (apply.Reply)
            _coordinator.Tell(new RuleApplied(Spec.Id, apply.Minibatch));
        Stash.UnstashAll();
    }
}
