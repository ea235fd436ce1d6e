using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Messages;

/// <summary>Marker of every message the engine's actors exchange (a later serializer binds to it).</summary>
public interface IEngineMessage;

/// <summary>
/// Coordinator → group: a new minibatch of <paramref name="Rows"/> samples. Each group gets only what it reads:
/// <paramref name="InputRates"/>, ρ(x) of the clamped input ([rows × input stride]), for groups of layer 1;
/// <paramref name="Targets"/> (one-hot, [rows × target stride]) for the output group; <paramref name="LayerStates"/>,
/// the persistent particles of the group's layer ([rows × n_l]) to start from. Empty arrays / null otherwise.
/// </summary>
public sealed record StartMinibatch(long Minibatch, int Rows, float[] InputRates, float[] Targets, float[]? LayerStates) : IEngineMessage;

/// <summary>
/// Coordinator → group: relax. Sync: exactly <see cref="Phase.Steps"/> steps, then report. Async: step until told
/// to <see cref="EndPhase"/>, at most <see cref="Phase.Steps"/> steps, reporting when locally settled.
/// <paramref name="ShareEndRates"/>: the learning rule reads the sources' rates at this phase's end, so when the
/// update comes every group sends them to its neighbours (a <see cref="PhaseEndActivity"/>) and waits for theirs.
/// Under the sync schedule the coordinator sends every phase of a minibatch (and the <see cref="ApplyRule"/>) at
/// once; a group keeps each until it has reported the one before.
/// </summary>
public sealed record StartPhase(long Minibatch, int PhaseIndex, Phase Phase, float Dt, float Tolerance, bool ShareEndRates) : IEngineMessage;

/// <summary>Group → itself (async): take the next step.</summary>
public sealed record Tick(long Minibatch, int PhaseIndex) : IEngineMessage;

/// <summary>
/// Group → group (async): the sender has come to rest for the <paramref name="RestCount"/>-th time in this phase (its
/// last step moved less than the tolerance, or its step budget is spent). Sent after its last activity on the same
/// link, so a receiver that holds this marker holds everything the sender sent before it. <paramref name="HeardStep"/>:
/// the newest step of the receiver's own activity the sender had received by then (int.MaxValue from a sender that
/// does not integrate the receiver's activity): a lower step than the receiver's latest activity means the marker
/// crossed it, and the sender will wake on it.
/// </summary>
public sealed record Resting(int Source, long Minibatch, int PhaseIndex, int RestCount, int HeardStep) : IEngineMessage;

/// <summary>
/// Group → coordinator (async): whether the group is at rest, how often it has come to rest, and the latest rest
/// count it has received from each of its sources (−1: that source is active). The phase is over when every group
/// rests and every group has seen every source's current rest count: then no activity can still be in flight.
/// </summary>
public sealed record GroupStatus(int Group, long Minibatch, int PhaseIndex, bool Resting, int RestCount, IReadOnlyDictionary<int, int> SeenRestCounts)
    : IEngineMessage;

/// <summary>Coordinator → group (async): every group has settled; take the phase's snapshot and report.</summary>
public sealed record EndPhase(long Minibatch, int PhaseIndex) : IEngineMessage;

/// <summary>What a group did in one phase: steps taken, activity messages and payload bytes it sent, messages held
/// back by event-driven sending, how old (in its own steps) the neighbour activity it integrated was (summed over
/// steps and sources), and messages its lossy channels lost.</summary>
public sealed record GroupPhaseStatistics(int Steps, long MessagesSent, long BytesSent, long MessagesSuppressed, long StalenessSum, long StalenessCount,
    long MessagesLost = 0);

/// <summary>
/// Group → group: the sender's rates at step <paramref name="Step"/> of a phase (step 0 = the phase's start): the
/// first <paramref name="Length"/> values of <paramref name="Rates"/>, [rows × sender's padded size]; or, sync, to a
/// receiver whose drive the sender computes (see <see cref="DriveWeights"/>), that drive [rows × receiver's padded
/// size]. In-process the
/// array is the sender's own buffer (sync) or a pooled copy handed over (async); across nodes, a pooled array.
/// </summary>
public sealed record Activity(int Source, long Minibatch, int PhaseIndex, int Step, float[] Rates, int Length) : IEngineMessage
{
    /// <summary>The receiver owns <see cref="Rates"/>, rented from the shared pool, and returns it once used: async
    /// copies, and every activity read from the network. Not on the wire.</summary>
    public bool Pooled { get; init; }
}

/// <summary>
/// Group → group (async, event-driven sending): the sender took step <paramref name="Step"/> but its rates moved by
/// no more than the threshold since its last <see cref="Activity"/>, which therefore still stands. Carries no
/// payload; it lets neighbours tell an unchanged group from a slow one.
/// </summary>
public sealed record ActivityUnchanged(int Source, long Minibatch, int PhaseIndex, int Step) : IEngineMessage;

/// <summary>
/// Group → its only source (sync, <see cref="ScheduleSettings.DelegateDrive"/>): the receiver's synapses from that
/// source ([source units × receiver's padded units]) and its biases, at parameter version <paramref name="Version"/>
/// (the count of loads and updates, equal in every group). The source computes the receiver's drive with them; it
/// starts a phase only once it holds the version it has itself reached.
/// </summary>
public sealed record DriveWeights(int Receiver, long Version, float[] Weights, float[] Bias) : IEngineMessage;

/// <summary>Group → group: the sender's rates at the end of a phase (the first <paramref name="Length"/> values of a
/// pooled array, which the receiver returns), kept for the learning rule.</summary>
public sealed record PhaseEndActivity(int Source, long Minibatch, int PhaseIndex, int Slot, float[] Rates, int Length) : IEngineMessage;

/// <summary>
/// Group → coordinator: the phase is over for this group. <paramref name="StepSquaredNorms"/>: ‖s_T − s_{T−1}‖²
/// per row; <paramref name="FreeOutputs"/>: the output group's free-phase states, for scoring;
/// <paramref name="FreeStates"/>: with persistent particles, the group's free fixed point ([rows × group size]).
/// </summary>
public sealed record PhaseDone(int Group, long Minibatch, int PhaseIndex, float[] StepSquaredNorms, float[]? FreeOutputs,
    float[]? FreeStates, GroupPhaseStatistics Statistics) : IEngineMessage;

/// <summary>Coordinator → group: apply (or only estimate) the local rule.</summary>
/// <paramref name="Phases"/>: how many phases the minibatch has; the update waits until the group has reported them all.
/// <paramref name="Reply"/>: answer with <see cref="RuleApplied"/>. Under the sync schedule the coordinator does not
/// wait: a group holds every later request (the next minibatch, parameter transfers) until its update is done, so the
/// update overlaps the coordinator's round trip and the next minibatch's input on its way.
public sealed record ApplyRule(long Minibatch, RuleApplication Rule, bool IntoEstimate, int Phases, bool Reply) : IEngineMessage;

/// <summary>
/// Group → coordinator (async): the update is done. <paramref name="FreshSteps"/>: for each phase whose end rates the
/// update exchanged, the squared step (per row) the group would take from its end state with its sources' end
/// states: the residual against fresh neighbour states (see <see cref="Core.Dynamics.NeuronGroup.MeasureStepAgainstPhaseRates"/>).
/// </summary>
public sealed record RuleApplied(int Group, long Minibatch, IReadOnlyList<FreshSteps> FreshSteps) : IEngineMessage;

/// <summary>Per-row squared steps of one phase (its slot), measured against fresh neighbour states.</summary>
public sealed record FreshSteps(int Slot, float[] SquaredSteps);

/// <summary>Group → coordinator: the group cannot go on; the reason names what it was doing.</summary>
public sealed record GroupFailed(int Group, string Reason, bool Diverged) : IEngineMessage;

/// <summary>Coordinator → group: the group's own columns of the weights (and of the optimizer's velocities).</summary>
public sealed record LoadParameters(GroupSlice Weights, GroupSlice? Velocity) : IEngineMessage;

/// <summary>Coordinator → group: report your parameters of <paramref name="Kind"/>; the reply is a <see cref="GroupParameters"/>.</summary>
public sealed record ExportParameters(ParameterKind Kind) : IEngineMessage;

/// <summary>Group → coordinator: its parameters of <paramref name="Kind"/>; null for velocities it does not hold.</summary>
public sealed record GroupParameters(int Group, ParameterKind Kind, GroupSlice? Slice) : IEngineMessage;

public sealed record FindDiverged(float Bound) : IEngineMessage;

public sealed record DivergenceReport(int Group, string? Where) : IEngineMessage;

/// <summary>Reply to requests that only need an acknowledgement.</summary>
public sealed record Done(int Group) : IEngineMessage;
