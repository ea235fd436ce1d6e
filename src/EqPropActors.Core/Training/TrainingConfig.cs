using System.Text.Json.Serialization;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Training;

/// <summary>
/// Every setting of a run, resolved (no "default" left in it), as written to config.json. A run is reproduced
/// bit for bit on the synchronous engines by running it again with the same config
/// (<c>eqprop train --config RUN/config.json --out NEW</c>). In config.json every setting carries the name and the
/// spelling of its command-line option (<c>"T1": 40</c>, <c>"activation": "hard-sigmoid"</c>), so that the file reads
/// like the command that made it and can be turned back into one.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrainingConfig
{
    [JsonPropertyName("dataset")]
    public string Dataset { get; init; } = "synthetic";

    /// <summary>The --data folder, absolute in config.json so that a run can be resumed or rerun from any folder.</summary>
    [JsonPropertyName("data")]
    public string? DataDirectory { get; init; }

    [JsonPropertyName("train-samples")]
    public int? TrainSamples { get; init; }

    /// <summary>Training samples held out as the validation split (0: none); see <see cref="Data.ValidationSplit"/>.</summary>
    [JsonPropertyName("validation")]
    public int Validation { get; init; }

    [JsonPropertyName("layers")]
    public int[] Layers { get; init; } = [784, 500, 10];

    [JsonPropertyName("groups-per-layer")]
    public int GroupsPerHiddenLayer { get; init; } = 1;

    [JsonPropertyName("activation")]
    [JsonConverter(typeof(KebabCaseEnumConverter<Activation>))]
    public Activation Activation { get; init; } = Activation.HardSigmoid;

    [JsonIgnore]
    public DynamicsForm Form { get; init; } = DynamicsForm.Vf;

    /// <summary>The dynamics as the command line chooses them: --rho-prime or not.</summary>
    [JsonPropertyName("rho-prime")]
    public bool RhoPrime
    {
        get => Form == DynamicsForm.RhoPrime;
        init => Form = value ? DynamicsForm.RhoPrime : DynamicsForm.Vf;
    }

    [JsonPropertyName("rule")]
    [JsonConverter(typeof(KebabCaseEnumConverter<LearningRule>))]
    public LearningRule Rule { get; init; } = LearningRule.Vf;

    [JsonPropertyName("init-angle")]
    public double InitAngleDegrees { get; init; } = 90;

    [JsonPropertyName("seed")]
    public int Seed { get; init; } = 1;

    [JsonPropertyName("dt")]
    public float Dt { get; init; } = 0.5f;

    [JsonPropertyName("T1")]
    [JsonConverter(typeof(PhaseLengthJsonConverter))]
    public PhaseLength FreeSteps { get; init; } = 20;

    [JsonPropertyName("T2")]
    [JsonConverter(typeof(PhaseLengthJsonConverter))]
    public PhaseLength NudgedSteps { get; init; } = 4;

    [JsonPropertyName("beta")]
    public float Beta { get; init; } = 0.5f;

    [JsonPropertyName("random-sign")]
    public bool RandomSign { get; init; }

    [JsonPropertyName("third-phase")]
    public bool ThirdPhase { get; init; }

    [JsonPropertyName("tolerance")]
    public float Tolerance { get; init; } = 1e-3f;

    /// <summary>When synapses learn: two-phase (after the phases, from snapshots), stdp (summed over the nudged steps)
    /// or continual (applied at every nudged step); see <see cref="UpdateForm"/>.</summary>
    [JsonPropertyName("update")]
    public string Update { get; init; } = "two-phase";

    [JsonIgnore]
    public UpdateForm UpdateForm => Update switch
    {
        "stdp" => UpdateForm.Stdp,
        "continual" => UpdateForm.Continual,
        _ => UpdateForm.TwoPhase,
    };

    [JsonPropertyName("lrs")]
    public float[] LearningRates { get; init; } = [0.1f, 0.05f];

    [JsonPropertyName("momentum")]
    public float Momentum { get; init; }

    [JsonPropertyName("lr-schedule")]
    [JsonConverter(typeof(KebabCaseEnumConverter<LearningRateSchedule>))]
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    [JsonPropertyName("batch-size")]
    public int BatchSize { get; init; } = 20;

    /// <summary>Rows per evaluation minibatch: no option sets it; recorded so that config.json is the whole truth.</summary>
    [JsonPropertyName("evaluation-batch-size")]
    public int EvaluationBatchSize { get; init; } = 100;

    [JsonPropertyName("epochs")]
    public int Epochs { get; init; } = 1;

    [JsonPropertyName("persistent")]
    public bool PersistentParticles { get; init; }

    [JsonPropertyName("engine")]
    public string Engine { get; init; } = "batch";

    /// <summary>Cluster engine: the coordinator's configuration file (cluster-config/*.conf), absolute in config.json.</summary>
    [JsonPropertyName("cluster-config")]
    public string? ClusterConfig { get; init; }

    /// <summary>Actor engine: "sync" (barrier per step, bit for bit the batch engine) or "async".</summary>
    [JsonPropertyName("schedule")]
    public string ActorSchedule { get; init; } = "sync";

    /// <summary>Async schedule: transmission delay and jitter (units of τ0), spread of the groups' time constants
    /// (see the actor engine's ScheduleSettings), and the event-driven sending threshold.</summary>
    [JsonPropertyName("delay")]
    public double Delay { get; init; }

    /// <summary>--jitter; not "jitter", which files written before delays were times used for the jitter in steps.</summary>
    [JsonPropertyName("jitter-tau")]
    public double Jitter { get; init; }

    [JsonPropertyName("tau-spread")]
    public double TauSpread { get; init; }

    /// <summary>Older config.json files: delay and jitter in steps, step-rate spread. Read so that such a file is
    /// explained (<see cref="LegacyScheduleFields"/>), never written.</summary>
    [JsonPropertyName(LegacyScheduleFields.DelaySteps)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double LegacyDelaySteps { get; init; }

    [JsonPropertyName(LegacyScheduleFields.JitterSteps)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double LegacyJitterSteps { get; init; }

    [JsonPropertyName(LegacyScheduleFields.RateSpread)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double LegacyRateSpread { get; init; }

    [JsonPropertyName("send-threshold")]
    public float SendThreshold { get; init; }

    /// <summary>threshold or sigma-delta (see the actor engine's send modes); runs written before it existed used threshold.</summary>
    [JsonPropertyName("send-mode")]
    public string SendMode { get; init; } = "threshold";

    /// <summary>Async lossy and noisy channels: the probability that an activity message is lost, and the standard
    /// deviation of the Gaussian noise on transmitted rates.</summary>
    /// <summary>Async: the probability that a neuron updates at one of its group's steps (1: every neuron, every step).</summary>
    [JsonPropertyName("update-prob")]
    public double UpdateProbability { get; init; } = 1;

    /// <summary>Async: "coordinator" (global quiescence detection ends each phase) or "local" (the output group's
    /// broadcast does); runs written before it existed used the coordinator.</summary>
    [JsonPropertyName("phase-control")]
    public string PhaseControl { get; init; } = "coordinator";

    [JsonPropertyName("drop-prob")]
    public double DropProbability { get; init; }

    [JsonPropertyName("noise-std")]
    public float NoiseStd { get; init; }

    /// <summary>Sync actor schedules: a group whose only source is one wider group gets its drive from that source
    /// (same numbers, fewer bytes per step); false: every step message carries the sender's rates.</summary>
    [JsonIgnore]
    public bool DelegateDrive { get; init; } = true;

    [JsonPropertyName("no-drive-delegation")]
    public bool NoDriveDelegation
    {
        get => !DelegateDrive;
        init => DelegateDrive = !value;
    }

    /// <summary>Cores the batch engine uses for its large products (1 or 2); results are identical either way.</summary>
    [JsonPropertyName("threads")]
    public int Threads { get; init; } = 1;

    /// <summary>
    /// Every how many minibatches of an epoch a checkpoint is written besides the one at its end (0: only at epoch
    /// ends). Long epochs then lose at most this many minibatches to a crash; results do not depend on it.
    /// </summary>
    [JsonPropertyName("checkpoint-every")]
    public int CheckpointEvery { get; init; }

    /// <summary>
    /// Every how many epochs a trace of the probe samples' relaxation goes into RUN/traces/epoch-N (0: never). It runs
    /// on an engine of its own after the epoch's checkpoint, so results do not depend on it.
    /// </summary>
    [JsonPropertyName("trace-every")]
    public int TraceEvery { get; init; }

    /// <summary>
    /// Every how many epochs the gradient probe measures the angle between the run's update and the true gradient,
    /// and the Jacobian's asymmetry, on the probe minibatch (0: never; <see cref="GradientProbe"/>). It relaxes on an
    /// engine of its own with a copy of the weights, so results do not depend on it.
    /// </summary>
    [JsonPropertyName("probe-gradient-every")]
    public int ProbeGradientEvery { get; init; }

    /// <summary>Every how many minibatches the weights are scanned for divergence (states are checked every minibatch).
    /// No option sets it; recorded like <see cref="EvaluationBatchSize"/>.</summary>
    [JsonPropertyName("divergence-check-every")]
    public int DivergenceCheckEvery { get; init; } = 50;

    /// <summary>
    /// A weight or bias beyond this magnitude means training has diverged. States are clipped to [0, 1], so
    /// exploding weights do not show up as NaN: they saturate every unit and learning silently stops instead.
    /// </summary>
    [JsonPropertyName("max-weight")]
    public float MaxWeightMagnitude { get; init; } = 1e4f;

    /// <summary>The keys of config.json that no command-line option sets (the program fixes them).</summary>
    public static IReadOnlySet<string> RecordedOnlyKeys { get; } = new HashSet<string> { "evaluation-batch-size", "divergence-check-every" };

    /// <summary>
    /// The option a config.json key sets: its own name, except "jitter-tau" (--jitter), which keeps the jitter in τ
    /// apart from the "jitter" in steps of older files (<see cref="LegacyScheduleFields"/>).
    /// </summary>
    public static string OptionOfKey(string key) => key == "jitter-tau" ? "jitter" : key;

    /// <summary>The factor applied to every learning rate during <paramref name="epoch"/> (1-based).</summary>
    public float LearningRateScale(int epoch) => Schedule switch
    {
        LearningRateSchedule.Cosine => (float)(0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Math.Max(1, Epochs)))),
        _ => 1f,
    };

    public NetworkSpec CreateNetwork() => new(Layers, Activation, Form, GroupsPerHiddenLayer);

    /// <summary>Checks the combination of settings; the message names the option and what was expected.</summary>
    public void Validate()
    {
        LegacyScheduleFields.Reject(LegacyDelaySteps, LegacyJitterSteps, LegacyRateSpread, Dt);
        var network = CreateNetwork();
        Require(LearningRates.Length == network.PairCount,
            $"--lrs has {LearningRates.Length} value(s) but --layers {string.Join(',', Layers)} has {network.PairCount} layer pairs; give one learning rate per pair");
        Require(LearningRates.All(float.IsFinite) && LearningRates.All(a => a >= 0), "--lrs: learning rates must be finite and non-negative");
        Require(Dt > 0 && Dt <= 1, $"--dt must be in (0, 1], got {Dt}");
        Require(FreeSteps.UntilSettled || FreeSteps.Steps >= 1, $"--T1 must be at least 1 or auto, got {FreeSteps}");
        Require(NudgedSteps.UntilSettled || NudgedSteps.Steps >= 1, $"--T2 must be at least 1 or auto, got {NudgedSteps}");
        Require(Engine == "batch" || !(FreeSteps.UntilSettled || NudgedSteps.UntilSettled),
            $"--T1/--T2 auto (end a phase when every sample has settled) runs on the batch engine only, not --engine {Engine}: give a number of steps");
        Require(Beta > 0 && float.IsFinite(Beta), $"--beta must be positive, got {Beta}");
        Require(Momentum is >= 0 and < 1, $"--momentum must be in [0, 1), got {Momentum}");
        Require(Update is "two-phase" or "stdp" or "continual", $"--update must be two-phase, stdp or continual, got '{Update}'");
        Require(UpdateForm == UpdateForm.TwoPhase || Rule == LearningRule.Vf,
            $"--update {Update} is built for --rule vf: the symmetric rule's increment at a step needs both neighbours' rates after it, " +
            "which a group has only one step later; use --update two-phase with --rule ep");
        Require(UpdateForm != UpdateForm.Continual || Momentum == 0,
            $"--update continual moves the weights at every nudged step, where momentum has no meaning; drop --momentum {Momentum}");
        Require(BatchSize >= 1, $"--batch-size must be at least 1, got {BatchSize}");
        Require(EvaluationBatchSize >= 1, $"evaluation batch size must be at least 1, got {EvaluationBatchSize}");
        Require(Epochs >= 1, $"--epochs must be at least 1, got {Epochs}");
        Require(Validation >= 0, $"--validation must be 0 (no validation split) or a positive number of samples, got {Validation}");
        Require(CheckpointEvery >= 0, $"--checkpoint-every must be 0 (checkpoints at epoch ends only) or a positive number of minibatches, got {CheckpointEvery}");
        Require(TraceEvery >= 0, $"--trace-every must be 0 (no traces) or a positive number of epochs, got {TraceEvery}");
        Require(ProbeGradientEvery >= 0, $"--probe-gradient-every must be 0 (no gradient probe) or a positive number of epochs, got {ProbeGradientEvery}");
        Require(Tolerance > 0, $"--tolerance must be positive, got {Tolerance}");
        Require(ActorSchedule is "sync" or "async", $"--schedule must be sync or async, got '{ActorSchedule}'");
        Require(SendMode is "threshold" or "sigma-delta", $"--send-mode must be threshold or sigma-delta, got '{SendMode}'");
        Require(PhaseControl is "coordinator" or "local", $"--phase-control must be coordinator or local, got '{PhaseControl}'");
        Require(Engine is "actors" or "cluster" || ActorSchedule == "sync", "--schedule async needs --engine actors or cluster");
        Require((Engine == "cluster") == (ClusterConfig is not null), "--engine cluster and --cluster-config <FILE> go together");
        Require(Threads is 1 or 2, $"--threads must be 1 or 2, got {Threads}");
        Require(MaxWeightMagnitude > 0, $"--max-weight must be positive, got {MaxWeightMagnitude}");
        Require(InitAngleDegrees is >= 0 and <= 90, $"--init-angle must be between 0 and 90 degrees, got {InitAngleDegrees}");
        Require(Rule != LearningRule.Ep || InitAngleDegrees == 0,
            $"--rule ep ties the feedback weights to the forward ones, so --init-angle must be 0 (got {InitAngleDegrees}); use --rule vf for independent feedback weights");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
            throw new ConfigurationException(message);
    }
}

/// <summary>How the learning rates change over the epochs of a run.</summary>
public enum LearningRateSchedule
{
    Constant,

    /// <summary>α_e = α · ½(1 + cos(π (e − 1) / E)) for epoch e of E: large steps first, small ones to settle.</summary>
    Cosine,
}
