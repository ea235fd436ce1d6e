using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The local update of one minibatch: the end-of-phase rates the rule reads are exchanged with the neighbours, then
/// the rule runs. Exchanged at the update rather than at each phase's end, the large blocks cross the network while
/// the groups compute their updates instead of before the next phase's first step.
/// </summary>
internal sealed class LocalUpdate
{
    private readonly NeuronGroup group;
    private readonly GroupNeighbours neighbours;
    private readonly GroupTimeConstant _timeConstant;
    private readonly List<(int Slot, float Dt, float Beta)> _sharedSlots = []; // phases of this minibatch whose end rates the rule reads
    private int _phaseEndsReceived;               // of this minibatch, from all sources
    private ApplyRule? _pending;                  // waits for the sources' end-of-phase rates

    public LocalUpdate(NeuronGroup group, GroupNeighbours neighbours, GroupTimeConstant timeConstant)
    {
        (this.group, this.neighbours, _timeConstant) = (group, neighbours, timeConstant);
        foreach (var block in neighbours.Sources) // the sources' end-of-phase rates, per phase slot, owned by this group
            block.SourcePhaseRates = new float[PhaseSlot.Count * group.MaxRows * block.Source.PaddedSize];
    }

    public bool IsPending => _pending is not null;

    /// <summary>The coordinator waits for this update's reply (async).</summary>
    public bool PendingReply => _pending?.Reply == true;

    public void BeginMinibatch()
    {
        _sharedSlots.Clear();
        (_phaseEndsReceived, _pending) = (0, null);
    }

    /// <summary>The rule will read the rates at the end of the phase in <paramref name="slot"/> (run with this dt and β).</summary>
    public void ShareEndRatesOf(int slot, float dt, float beta) => _sharedSlots.Add((slot, dt, beta));

    /// <summary>
    /// Local phase control: the rule reads, for the phase in <paramref name="slot"/>, the sources' rates as this group
    /// holds them when the phase ends for it (the views it integrated last, delayed, lossy and noisy as they came), not
    /// the sources' own end states: that is what a synapse has at hand. Nothing is exchanged.
    /// </summary>
    public void KeepHeldViewsOf(int slot)
    {
        foreach (var block in neighbours.Sources)
        {
            int length = group.Rows * block.Source.PaddedSize;
            block.SourceRates.AsSpan(0, length).CopyTo(block.SourcePhaseRates.AsSpan(slot * length));
        }
    }

    /// <summary>A source's end-of-phase rates (of any phase of this minibatch: the source may be ahead).</summary>
    public void Receive(PhaseEndActivity end)
    {
        var block = neighbours.Sources[neighbours.IndexOf(end.Source, group.Spec.Name)];
        int length = group.Rows * block.Source.PaddedSize;
        var rates = new InboundRates(end.Rates, Owned: true);
        if (end.Length != length)
        {
            rates.Release();
            throw new InvalidOperationException($"phase-end activity of {length} values expected from {block.Source.Name}, got {end.Length}");
        }
        end.Rates.AsSpan(0, length).CopyTo(block.SourcePhaseRates.AsSpan(end.Slot * length));
        rates.Release();
        _phaseEndsReceived++;
    }

    /// <summary>Sends every neighbour this group's rates at the end of the phases the rule reads; the rule runs
    /// (<see cref="TryApply"/>) once the sources' have come.</summary>
    public void Begin(ApplyRule apply, int phaseIndex, IActorRef self)
    {
        foreach (var (slot, _, _) in _sharedSlots)
        {
            var rates = group.PhaseRatesOf(slot);
            foreach (var target in neighbours.Targets)
                target.Send(new PhaseEndActivity(group.Spec.Id, apply.Minibatch, phaseIndex, slot, ActivitySender.CopyOf(rates), rates.Length), self);
        }
        _pending = apply;
    }

    /// <summary>
    /// Runs the rule if it waits and every source's rates are here; returns the update it applied, or null. With
    /// <paramref name="freshSteps"/> (async) it first measures each shared phase's end state against the sources'
    /// end states, before the rule changes the weights.
    /// </summary>
    public ApplyRule? TryApply(List<FreshSteps>? freshSteps)
    {
        if (_pending is not { } apply || _phaseEndsReceived < _sharedSlots.Count * neighbours.Sources.Length)
            return null;
        _pending = null;
        foreach (var (slot, dt, beta) in _sharedSlots)
            if (freshSteps is not null)
            {
                var squared = new float[group.Rows];
                // Measured with the step the phase took (dt/τ_g), then rescaled like the phase's own last step
                // (×τ_g²): the coordinator divides both by dt and compares them, so they must be the same residual,
                // projected alike. Measuring with dt itself would clip differently at the bounds of a hard sigmoid.
                group.MeasureStepAgainstPhaseRates(slot, _timeConstant.StepOf(dt), beta, squared);
                _timeConstant.ToNominalSquaredSteps(squared);
                freshSteps.Add(new FreshSteps(slot, squared));
            }
        group.ApplyLearningRule(apply.Rule, apply.IntoEstimate);
        return apply;
    }
}
