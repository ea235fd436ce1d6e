namespace EqPropActors.Actors.Schedules;

/// <summary>How the group actors advance in time.</summary>
public enum ScheduleKind
{
    /// <summary>A dataflow barrier per step (Jacobi exchange): bit for bit the batch engine.</summary>
    Sync,

    /// <summary>No barrier: every group steps at its own pace with the latest activity it holds from each neighbour.</summary>
    Async,
}

/// <summary>When an async group sends its activity (see <see cref="ScheduleSettings.SendThreshold"/>).</summary>
public enum SendMode
{
    /// <summary>When some rate moved by more than the threshold since the last send. A change that stays below it is
    /// never sent (the dead zone): a nudge smaller than the threshold does not reach the neighbours.</summary>
    Threshold,

    /// <summary>When the change not yet sent, accumulated over the steps since the last send (per neuron and sample),
    /// exceeds the threshold; a group that comes to rest also sends its state if it differs from the last one sent.
    /// Small but lasting differences are sent after a while, so the views of a settled network are exact.</summary>
    SigmaDelta,
}

/// <summary>Who decides when an async phase ends (see <see cref="ScheduleSettings.PhaseControl"/>).</summary>
public enum PhaseControl
{
    /// <summary>The coordinator starts every phase and ends it once every group rests and no activity is in flight
    /// (global quiescence detection).</summary>
    Coordinator,

    /// <summary>No central clock: the coordinator only presents the input and the target and collects reports. The
    /// output group ends each phase by its own decision and says so in a broadcast (a neuromodulatory signal) that
    /// ends the phase for every group.</summary>
    Local,
}

/// <summary>
/// The schedule and, for <see cref="ScheduleKind.Async"/>, the ways in which locality and asynchrony are made
/// worse on purpose, for plausibility studies.
/// </summary>
/// <param name="Delay">Transmission delay in units of the nominal time constant τ0: a neighbour's activity is
/// integrated this much simulated time after it was sent (Delay / dt steps of the receiver's clock).</param>
/// <param name="Jitter">Each message is delayed by a further time uniform in [0, Jitter] (units of τ0), drawn per message.</param>
/// <param name="TauSpread">Group g has time constant τ_g = 1 + u_g·spread (units of τ0), u_g uniform in [0, 1) from the
/// run seed and the group id (<see cref="TimeConstantOf"/>): every group steps the same dt per tick, a slow group moves
/// dt/τ_g of the way to its drive. 0: every group has τ0.</param>
/// <param name="SendThreshold">Event-driven sending: a group sends its activity only when some rate changed by more
/// than this since the last activity it sent (0: every step).</param>
/// <param name="SendMode">How the threshold is applied: to the change since the last send, or to the change not
/// sent accumulated over the steps (sigma-delta).</param>
/// <param name="DropProbability">Lossy channels: each activity message after a phase's first is lost with this
/// probability (per message and target, seeded per group); the receiver keeps its last view, as for an unchanged step,
/// and the sender does not know. The first message of a phase is never lost: it is the state the phase starts from.</param>
/// <param name="NoiseStd">Noisy channels: Gaussian noise of this standard deviation is added to every rate a message
/// carries (per value and target, seeded per group; not clipped).</param>
/// <param name="UpdateProbability">Finer asynchrony: at each of its steps a group updates each neuron of each sample
/// with this probability (drawn per neuron and sample, seeded per group); the others keep their state. 1: all.</param>
/// <param name="PhaseControl">Async: <see cref="PhaseControl.Coordinator"/> (global quiescence detection) or
/// <see cref="PhaseControl.Local"/>: the output group ends a phase when its own last step moved it less than the
/// tolerance (with no delayed activity still on its way to it) or when the phase's step budget is spent on its own
/// clock, and broadcasts the end to every group; a group ends the phase when the broadcast reaches it (the free
/// phase: it keeps its state as its free fixed point and goes on, nudged; the nudged phase: it learns), with the
/// presynaptic rates it holds at that moment. No barrier and no quiescence detection.</param>
/// <param name="Seed">Run seed; each group's random numbers derive from it and the group id.</param>
/// <param name="MaxLead">Bounded asynchrony: a group waits rather than run more than this many steps (plus the
/// configured delay and jitter, in steps) ahead of the newest activity it holds from any neighbour. Steps stand for the
/// same simulated time dt in every group; without a bound, a cheap group (the 10-unit output) would race through its
/// whole step budget against its neighbour's initial state.</param>
/// <param name="DelegateDrive">Sync: a group whose only source is one larger group gets its drive from that source
/// instead of the source's rates (<see cref="Core.Dynamics.DelegatedDrive"/>): the same numbers, far fewer bytes
/// per step. Off: every activity message carries the sender's rates, as in the async schedule.</param>
public sealed record ScheduleSettings(ScheduleKind Kind = ScheduleKind.Sync, double Delay = 0, double Jitter = 0, double TauSpread = 0,
    float SendThreshold = 0, int Seed = 1, int MaxLead = 2, bool DelegateDrive = true, SendMode SendMode = SendMode.Threshold,
    double DropProbability = 0, float NoiseStd = 0, double UpdateProbability = 1, PhaseControl PhaseControl = PhaseControl.Coordinator)
{
    /// <summary>Whether drives are delegated at all: the async schedule always sends rates (its staleness, thresholds
    /// and delays are about the sender's activity).</summary>
    public bool DelegatesDrive => DelegateDrive && Kind == ScheduleKind.Sync;

    public static ScheduleSettings Synchronous { get; } = new();

    /// <summary>Async under <see cref="PhaseControl.Local"/>: phases end by the output group's broadcast.</summary>
    public bool PhasesEndLocally => Kind == ScheduleKind.Async && PhaseControl == PhaseControl.Local;

    public void Validate()
    {
        if (!IsNonNegativeNumber(Delay))
            throw new Core.ConfigurationException($"--delay must be a non-negative time in units of τ, got {Invariant(Delay)}");
        if (!IsNonNegativeNumber(Jitter))
            throw new Core.ConfigurationException($"--jitter must be a non-negative time in units of τ, got {Invariant(Jitter)}");
        if (!IsNonNegativeNumber(TauSpread))
            throw new Core.ConfigurationException($"--tau-spread must be a non-negative number, got {Invariant(TauSpread)}");
        if (MaxLead < 1)
            throw new Core.ConfigurationException($"the lead bound must be at least 1 step, got {MaxLead}");
        if (SendThreshold < 0)
            throw new Core.ConfigurationException($"--send-threshold must be non-negative, got {SendThreshold}");
        if (UpdateProbability is <= 0 or > 1 || double.IsNaN(UpdateProbability))
            throw new Core.ConfigurationException($"--update-prob must be in (0, 1], got {UpdateProbability}");
        if (DropProbability is < 0 or >= 1)
            throw new Core.ConfigurationException($"--drop-prob must be in [0, 1), got {DropProbability}");
        if (!(NoiseStd >= 0) || float.IsInfinity(NoiseStd))
            throw new Core.ConfigurationException($"--noise-std must be a non-negative number, got {NoiseStd}");
        if (Kind == ScheduleKind.Sync && (Delay > 0 || Jitter > 0 || TauSpread > 0 || SendThreshold > 0 || SendMode != SendMode.Threshold
                || DropProbability > 0 || NoiseStd > 0 || UpdateProbability < 1 || PhaseControl != PhaseControl.Coordinator))
            throw new Core.ConfigurationException(
                "--delay, --jitter, --tau-spread, --send-threshold, --send-mode sigma-delta, --drop-prob, --noise-std, --update-prob and --phase-control local need --schedule async");
    }

    private static bool IsNonNegativeNumber(double value) => value >= 0 && double.IsFinite(value);

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Group <paramref name="group"/>'s time constant τ_g in units of τ0: 1 + u_g·<see cref="TauSpread"/>, u_g uniform in
    /// [0, 1) from the run seed and the group id (its own stream, so the group's other draws do not move it).
    /// </summary>
    public double TimeConstantOf(int group) =>
        TauSpread == 0 ? 1 : 1 + TauSpread * Core.Randomness.SeedDerivation.Generator(Seed, "group-time-constant", group).NextDouble();
}
