using EqPropActors.Core.Dynamics;

namespace EqPropActors.Core.Engines;

/// <summary>
/// One relaxation phase: how many steps, with which nudging, from where, and where to keep the result.
/// <paramref name="UntilSettled"/>: end as soon as every sample's residual ‖s_t − s_{t−1}‖/dt is within the
/// tolerance (<c>--T1 auto</c>), with <paramref name="Steps"/> as the most steps it may take.
/// <paramref name="Plasticity"/>: set on the nudged phases when synapses learn at each step (--update stdp|continual).
/// </summary>
public sealed record Phase(string Name, int Slot, float Beta, int Steps, bool StartFromFreeFixedPoint, bool UntilSettled = false,
    StepPlasticity? Plasticity = null);

/// <summary>What to do with the phases' outcome: apply the local rule to the weights, only estimate it, or nothing.</summary>
public enum UpdateMode { None, Apply, EstimateOnly }

/// <summary>
/// The explicit phase protocol of one minibatch, executed the same way by every engine: free relaxation, nudged
/// relaxation(s) from the free fixed point, then the local update.
/// </summary>
public sealed record MinibatchPlan(IReadOnlyList<Phase> Phases, UpdateMode Update, RuleApplication Rule)
{
    public static MinibatchPlan Evaluation(PhaseLength free) =>
        new([new Phase("free", PhaseSlot.Free, 0f, free.MaxSteps, false, free.UntilSettled)], UpdateMode.None, default);

    /// <summary>Free phase, nudged phase at +β, and for the centered estimate a third phase at −β.</summary>
    public static MinibatchPlan Training(PhaseLength free, PhaseLength nudged, RuleApplication rule, UpdateMode update = UpdateMode.Apply)
    {
        if (rule.Form != UpdateForm.TwoPhase && rule.Rule != Network.LearningRule.Vf)
            throw new ConfigurationException($"the {rule.Form} update is built for the VF rule: the symmetric rule's increment at a step " +
                "needs both neighbours' rates after it, which a group has only one step later");
        var plasticity = rule.Form == UpdateForm.TwoPhase
            ? null
            : new StepPlasticity(rule.Form, rule.Centered ? 2 : 1, rule.LearningRateScale, update == UpdateMode.EstimateOnly);
        var phases = new List<Phase>
        {
            new("free", PhaseSlot.Free, 0f, free.MaxSteps, false, free.UntilSettled),
            new("nudged", PhaseSlot.Positive, rule.SignedBeta, nudged.MaxSteps, true, nudged.UntilSettled, plasticity),
        };
        if (rule.Centered)
            phases.Add(new Phase("nudged-negative", PhaseSlot.Negative, -rule.SignedBeta, nudged.MaxSteps, true, nudged.UntilSettled, plasticity));
        return new MinibatchPlan(phases, update, rule);
    }
}
