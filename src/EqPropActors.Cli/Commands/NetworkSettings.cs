using System.ComponentModel;
using EqPropActors.Core.Network;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary>Options naming the engine and its schedule, on top of the data and the network (train and gradcheck).</summary>
public class NetworkSettings : NetworkShapeSettings
{
    [CommandOption("--schedule <NAME>")]
    [Description("Actor engine schedule: sync (a barrier per step: bit for bit the batch engine, default) or async (no barrier; not deterministic)")]
    public string ActorSchedule { get; init; } = "sync";

    [CommandOption("--delay <TAU>")]
    [Description("Async: neighbours' activity arrives TAU after it was sent, in units of the time constant τ (TAU/dt steps). Default: 0")]
    public double Delay { get; init; }

    [CommandOption("--jitter <TAU>")]
    [Description("Async: each message is delayed by a further time drawn uniformly between 0 and TAU, in units of τ. Default: 0")]
    public double Jitter { get; init; }

    [CommandOption("--tau-spread <S>")]
    [Description("Async: each group has its own time constant τ, at random between 1 and 1 + S (units of the nominal τ); a slower group moves less per step. Default: 0")]
    public double TauSpread { get; init; }

    [CommandOption("--send-threshold <R>")]
    [Description("Async, event-driven sending: a group sends only when a rate changed by more than R since its last message. Default: 0")]
    public float SendThreshold { get; init; }

    [CommandOption("--send-mode <MODE>")]
    [Description("Async, with --send-threshold: threshold (default) sends when a rate moved by more than R since the last send, so smaller changes are never sent; sigma-delta sends when the change not sent, summed over the steps since, exceeds R, and a group that comes to rest sends its final state")]
    public string SendMode { get; init; } = "threshold";

    [CommandOption("--update-prob <P>")]
    [Description("Async, finer asynchrony: at each of its steps a group updates each neuron (of each sample) with probability P; the others keep their state. Default: 1")]
    public double UpdateProbability { get; init; } = 1;

    [CommandOption("--drop-prob <P>")]
    [Description("Async, lossy channels: each activity message (after a phase's first) is lost with probability P; the receiver keeps its last view. Default: 0")]
    public double DropProbability { get; init; }

    [CommandOption("--noise-std <S>")]
    [Description("Async, noisy channels: Gaussian noise of standard deviation S on every transmitted rate. Default: 0")]
    public float NoiseStd { get; init; }

    [CommandOption("--phase-control <WHO>")]
    [Description("Async: coordinator (default) ends each phase once every group rests and no activity is in flight; local: the output group ends each phase by its own criterion (settled, or the phase's steps spent on its clock) and broadcasts the end, and each group learns when the broadcast reaches it")]
    public string PhaseControl { get; init; } = "coordinator";

    [CommandOption("--no-drive-delegation")]
    [Description("Sync actor and cluster engines: every step message carries the sender's rates. By default a group whose only source is one wider group (the output of 784-500-10) gets its drive from that source instead: the same numbers, far fewer bytes")]
    public bool NoDriveDelegation { get; init; }

    [CommandOption("--engine <ENGINE>")]
    [Description("batch: the synchronous vectorized baseline (default); actors: one Akka.NET actor per neuron group (--schedule sync reproduces batch bit for bit); cluster: the group actors on the workers of an Akka.Cluster (needs --cluster-config)")]
    public string Engine { get; init; } = "batch";

    [CommandOption("--cluster-config <FILE>")]
    [Description("--engine cluster: this node's (the coordinator's) configuration, e.g. cluster-config/local-coordinator.conf; see cluster-config/README.md")]
    public string? ClusterConfig { get; init; }

    /// <summary>The actor engine's schedule as these options describe it (validated by the engine).</summary>
    public Actors.Schedules.ScheduleSettings ParseSchedule(int seed) => new(
        ModelSettings.ParseChoice(ActorSchedule, "--schedule", ("sync", Actors.Schedules.ScheduleKind.Sync), ("async", Actors.Schedules.ScheduleKind.Async)),
        Delay, Jitter, TauSpread, SendThreshold, seed, DelegateDrive: !NoDriveDelegation, SendMode: ParseSendMode(),
        DropProbability: DropProbability, NoiseStd: NoiseStd, UpdateProbability: UpdateProbability, PhaseControl: ParsePhaseControl());

    public Actors.Schedules.PhaseControl ParsePhaseControl() =>
        ModelSettings.ParseChoice(PhaseControl, "--phase-control", ("coordinator", Actors.Schedules.PhaseControl.Coordinator), ("local", Actors.Schedules.PhaseControl.Local));

    /// <summary>The names config.json records for --schedule, --send-mode and --phase-control, parsed once for every
    /// command that takes them (train, and trace's overrides of a run's settings).</summary>
    public static string ScheduleName(string value) => ModelSettings.ParseChoice(value, "--schedule", ("sync", "sync"), ("async", "async"));

    public static string SendModeName(string value) =>
        ModelSettings.ParseChoice(value, "--send-mode", ("threshold", "threshold"), ("sigma-delta", "sigma-delta"));

    public static string PhaseControlName(string value) =>
        ModelSettings.ParseChoice(value, "--phase-control", ("coordinator", "coordinator"), ("local", "local"));

    public Actors.Schedules.SendMode ParseSendMode() =>
        ModelSettings.ParseChoice(SendMode, "--send-mode", ("threshold", Actors.Schedules.SendMode.Threshold), ("sigma-delta", Actors.Schedules.SendMode.SigmaDelta));
}
