using EqPropActors.Core.Dynamics;

namespace EqPropActors.Core.Engines;

/// <summary>One relaxation phase: how many steps, with which nudging, from where, and where to keep the result.</summary>
public sealed record Phase(string Name, int Slot, float Beta, int Steps, bool StartFromFreeFixedPoint);

/// <summary>What to do with the phases' outcome: apply the local rule to the weights, only estimate it, or nothing.</summary>
public enum UpdateMode { None, Apply, EstimateOnly }

/// <summary>
/// The explicit phase protocol of one minibatch, executed the same way by every engine: free relaxation, nudged
/// relaxation(s) from the free fixed point, then the local update.
/// </summary>
public sealed record MinibatchPlan(IReadOnlyList<Phase> Phases, UpdateMode Update, RuleApplication Rule)
{
    public static MinibatchPlan Evaluation(int freeSteps) =>
        new([new Phase("free", PhaseSlot.Free, 0f, freeSteps, false)], UpdateMode.None, default);

    /// <summary>Free phase, nudged phase at +β, and for the centered estimate a third phase at −β.</summary>
    public static MinibatchPlan Training(int freeSteps, int nudgedSteps, RuleApplication rule, UpdateMode update = UpdateMode.Apply)
    {
        var phases = new List<Phase>
        {
            new("free", PhaseSlot.Free, 0f, freeSteps, false),
            new("nudged", PhaseSlot.Positive, rule.SignedBeta, nudgedSteps, true),
        };
        if (rule.Centered)
            phases.Add(new Phase("nudged-negative", PhaseSlot.Negative, -rule.SignedBeta, nudgedSteps, true));
        return new MinibatchPlan(phases, update, rule);
    }
}
