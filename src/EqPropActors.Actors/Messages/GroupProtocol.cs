using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Messages;

/// <summary>Marker of every message the engine's actors exchange (a later serializer binds to it).</summary>
public interface IEngineMessage;

/// <summary>
/// Coordinator → group: a new minibatch block. <paramref name="InputRates"/> are ρ(x) of the clamped input
/// ([rows × input stride], read-only for the minibatch), <paramref name="Targets"/> the one-hot targets.
/// </summary>
public sealed record StartMinibatch(long Minibatch, int Rows, float[] InputRates, float[] Targets, float[][]? Particles) : IEngineMessage;

/// <summary>
/// Coordinator → group: relax. Sync: exactly <see cref="Phase.Steps"/> steps, then report. Async: step until told
/// to <see cref="EndPhase"/>, at most <see cref="Phase.Steps"/> steps, reporting when locally settled.
/// </summary>
public sealed record StartPhase(long Minibatch, int PhaseIndex, Phase Phase, float Dt, float Tolerance) : IEngineMessage;

/// <summary>Group → itself (async): take the next step.</summary>
public sealed record Tick(long Minibatch, int PhaseIndex) : IEngineMessage;

/// <summary>
/// Group → group (async): the sender has come to rest for the <paramref name="RestCount"/>-th time in this phase (its
/// last step moved less than the tolerance, or its step budget is spent). Sent after its last activity on the same
/// link, so a receiver that holds this marker holds everything the sender sent before it.
/// </summary>
public sealed record Resting(int Source, long Minibatch, int PhaseIndex, int RestCount) : IEngineMessage;

/// <summary>
/// Group → coordinator (async): whether the group is at rest, how often it has come to rest, and the latest rest
/// count it has received from each of its sources (−1: that source is active). The phase is over when every group
/// rests and every group has seen every source's current rest count: then no activity can still be in flight.
/// </summary>
public sealed record GroupStatus(int Group, long Minibatch, int PhaseIndex, bool Resting, int RestCount, IReadOnlyDictionary<int, int> SeenRestCounts)
    : IEngineMessage;

/// <summary>Coordinator → group (async): every group has settled; take the phase's snapshot and report.</summary>
public sealed record EndPhase(long Minibatch, int PhaseIndex) : IEngineMessage;

/// <summary>What a group did in one phase: steps taken, activity messages and payload bytes it sent, and how old
/// (in its own steps) the neighbour activity it integrated was, summed over steps and sources.</summary>
public sealed record GroupPhaseStatistics(int Steps, long MessagesSent, long BytesSent, long MessagesSuppressed, long StalenessSum, long StalenessCount);

/// <summary>
/// Group → group: the sender's rates at step <paramref name="Step"/> of a phase (step 0 = the phase's start).
/// <paramref name="Rates"/> is a pooled [rows × sender's padded size] buffer handed over to the receiver.
/// </summary>
public sealed record Activity(int Source, long Minibatch, int PhaseIndex, int Step, float[] Rates) : IEngineMessage;

/// <summary>
/// Group → group (async, event-driven sending): the sender took step <paramref name="Step"/> but its rates moved by
/// no more than the threshold since its last <see cref="Activity"/>, which therefore still stands. Carries no
/// payload; it lets neighbours tell an unchanged group from a slow one.
/// </summary>
public sealed record ActivityUnchanged(int Source, long Minibatch, int PhaseIndex, int Step) : IEngineMessage;

/// <summary>Group → group: the sender's rates at the end of a phase, kept for the learning rule.</summary>
public sealed record PhaseEndActivity(int Source, long Minibatch, int PhaseIndex, int Slot, float[] Rates) : IEngineMessage;

/// <summary>
/// Group → coordinator: the phase is over for this group. <paramref name="StepSquaredNorms"/>: ‖s_T − s_{T−1}‖²
/// per row; <paramref name="FreeOutputs"/>: the output group's free-phase states, for scoring.
/// </summary>
public sealed record PhaseDone(int Group, long Minibatch, int PhaseIndex, float[] StepSquaredNorms, float[]? FreeOutputs,
    GroupPhaseStatistics Statistics) : IEngineMessage;

/// <summary>Coordinator → group: apply (or only estimate) the local rule.</summary>
public sealed record ApplyRule(long Minibatch, RuleApplication Rule, bool IntoEstimate) : IEngineMessage;

public sealed record RuleApplied(int Group, long Minibatch) : IEngineMessage;

/// <summary>Group → coordinator: the group cannot go on; the reason names what it was doing.</summary>
public sealed record GroupFailed(int Group, string Reason, bool Diverged) : IEngineMessage;

/// <summary>Coordinator/engine → group: parameter transfer through the engine-independent full matrices.</summary>
public sealed record LoadParameters(ParameterSet Weights, ParameterSet? Velocity) : IEngineMessage;

public sealed record StoreParameters(ParameterSet Weights, ParameterSet? Velocity, ParameterSet? Estimate) : IEngineMessage;

public sealed record FindDiverged(float Bound) : IEngineMessage;

public sealed record DivergenceReport(int Group, string? Where) : IEngineMessage;

/// <summary>Reply to requests that only need an acknowledgement; <paramref name="HasVelocity"/>: the group's optimizer
/// holds velocities (momentum has been used or loaded).</summary>
public sealed record Done(int Group, bool HasVelocity = false) : IEngineMessage;
