using System.ComponentModel;
using System.Globalization;
using EqPropActors.Core;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Training;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary>Options that describe the network, its dynamics and the learning rule, shared by every command.</summary>
public class ModelSettings : NetworkSettings
{
    [CommandOption("--train-samples <N>")]
    [Description("Train on the first N training samples only")]
    public int? TrainSamples { get; init; }

    [CommandOption("--groups-per-layer <N>")]
    [Description("Split each hidden layer into N neuron groups (the unit an actor owns). Default: 1")]
    public int GroupsPerLayer { get; init; } = 1;

    [CommandOption("--rule <RULE>")]
    [Description("vf: the VF rule, independent forward and feedback weights (default); ep: symmetric EP, tied weights")]
    public string Rule { get; init; } = "vf";

    [CommandOption("--init-angle <DEG>")]
    [Description("Initial angle between W_ff and W_fbᵀ: 0 = symmetric, 90 = independent. Default: 90 for vf (must be 0 for ep)")]
    public double? InitAngle { get; init; }

    [CommandOption("--dt <EPS>")]
    [Description("Euler step ε of the leaky integration. Default: 0.5")]
    public float? Dt { get; init; }

    [CommandOption("--T1 <STEPS>")]
    [Description("Free-phase steps, or auto: end when every sample's residual is within --tolerance (batch engine; at most 2000 steps). Default by depth: 40 (1 hidden layer), 100 (2), 500 (3 or more)")]
    public string? FreeSteps { get; init; }

    [CommandOption("--T2 <STEPS>")]
    [Description("Nudged-phase steps from the free fixed point, or auto (as --T1). Default by depth: 8, 6, 8")]
    public string? NudgedSteps { get; init; }

    [CommandOption("--beta <BETA>")]
    [Description("Nudging strength β. Default: 0.5 (1 with --update continual)")]
    public float? Beta { get; init; }

    [CommandOption("--random-sign")]
    [Description("Draw the sign of β at random for every minibatch")]
    public bool RandomSign { get; init; }

    [CommandOption("--third-phase")]
    [Description("Centered estimate: a third phase at −β, update from (s^{+β} − s^{−β})/(2β) (Laborieux et al. 2021). Default: on with --update continual (--third-phase false turns it off), off otherwise")]
    public bool? ThirdPhase { get; init; }

    [CommandOption("--update <FORM>")]
    [Description("When synapses learn: two-phase (after the phases, from the free and nudged end states), stdp (each synapse sums ρ(pre)·Δpost/β over the nudged steps, applied at the end: the paper's Eq. 2) or continual (the same increment applied at every nudged step; Ernoult et al. 2020). stdp and continual: --rule vf. Default: two-phase")]
    public string? Update { get; init; }

    [CommandOption("--tolerance <R>")]
    [Description("A phase has converged when ‖s_T − s_{T−1}‖/dt ≤ R per sample; others are counted as non-converged. Default: 0.001")]
    public float? Tolerance { get; init; }

    [CommandOption("--lrs <RATES>")]
    [Description("Learning rate per layer pair, bottom first (one per weight layer), e.g. 0.1,0.05. Default per depth: 0.1,0.05 for one hidden layer (0.06,0.012 with --update continual)")]
    public string? LearningRates { get; init; }

    [CommandOption("--momentum <M>")]
    [Description("SGD momentum (v ← m v + ΔW/α; W ← W + α v). Default: 0")]
    public float? Momentum { get; init; }

    [CommandOption("--lr-schedule <NAME>")]
    [Description("constant, or cosine: rates follow ½(1 + cos(π(e−1)/E)) over the E epochs. Default: cosine")]
    public string? Schedule { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Minibatch size. Default: 20")]
    public int? BatchSize { get; init; }

    [CommandOption("--epochs <N>")]
    [Description("Training epochs. Default: 1")]
    public int? Epochs { get; init; }

    [CommandOption("--seed <SEED>")]
    [Description("Run seed; every random choice derives from it. Default: 1")]
    public int Seed { get; init; } = 1;

    [CommandOption("--persistent")]
    [Description("Persistent particles: start each sample's free phase from its previous free fixed point")]
    public bool Persistent { get; init; }

    [CommandOption("--max-weight <W>")]
    [Description("Stop as diverged when any weight or bias exceeds this magnitude (clipped states hide exploding weights). Default: 10000")]
    public float? MaxWeight { get; init; }

    [CommandOption("--threads <N>")]
    [Description("1 or 2 cores for the batch engine's large products; the results are bit-identical. Default: chosen at start-up by timing minibatches of this network on 1 and 2 threads (2 only if at least 10 % faster)")]
    public int? Threads { get; init; }

    /// <summary>How the thread count was chosen when --threads was not given (set by <see cref="ToConfig"/>; null otherwise).</summary>
    public ProductThreads.Choice? ThreadChoice { get; private set; }

    /// <summary>Turns the options into a fully resolved configuration (defaults per depth filled in).</summary>
    public TrainingConfig ToConfig()
    {
        var layers = NetworkSpec.ParseLayers(Layers).ToArray();
        var rule = ParseChoice(Rule, "--rule", ("vf", LearningRule.Vf), ("ep", LearningRule.Ep));
        var update = Update is null ? "two-phase" : ParseChoice(Update, "--update", ("two-phase", "two-phase"), ("stdp", "stdp"), ("continual", "continual"));
        var defaults = DepthDefaults.For(layers.Length - 2);
        if (update == "continual")
            defaults = defaults.ForContinual();
        var config = new TrainingConfig
        {
            Dataset = Dataset,
            DataDirectory = DataDirectory,
            TrainSamples = TrainSamples,
            Layers = layers,
            GroupsPerHiddenLayer = GroupsPerLayer,
            Activation = ParseActivation(),
            Form = Form,
            Rule = rule,
            InitAngleDegrees = InitAngle ?? (rule == LearningRule.Ep ? 0 : 90),
            Seed = Seed,
            Dt = Dt ?? defaults.Dt,
            FreeSteps = FreeSteps is null ? defaults.FreeSteps : ParsePhaseLength(FreeSteps, "--T1"),
            NudgedSteps = NudgedSteps is null ? defaults.NudgedSteps : ParsePhaseLength(NudgedSteps, "--T2"),
            Beta = Beta ?? defaults.Beta,
            RandomSign = RandomSign,
            ThirdPhase = ThirdPhase ?? defaults.Centered,
            Tolerance = Tolerance ?? 1e-3f,
            Update = update,
            LearningRates = LearningRates is null ? defaults.LearningRates(layers.Length - 1) : ParseRates(LearningRates),
            Momentum = Momentum ?? defaults.Momentum,
            Schedule = Schedule is null ? defaults.Schedule
                : ParseChoice(Schedule, "--lr-schedule", ("constant", LearningRateSchedule.Constant), ("cosine", LearningRateSchedule.Cosine)),
            BatchSize = BatchSize ?? defaults.BatchSize,
            Epochs = Epochs ?? 1,
            PersistentParticles = Persistent,
            MaxWeightMagnitude = MaxWeight ?? 1e4f,
            Threads = Threads ?? 1, // measured below when not given: the choice needs the resolved shapes
            ActorSchedule = ScheduleName(ActorSchedule),
            Delay = Delay,
            Jitter = Jitter,
            TauSpread = TauSpread,
            SendThreshold = SendThreshold,
            SendMode = SendModeName(SendMode),
            DropProbability = DropProbability,
            UpdateProbability = UpdateProbability,
            NoiseStd = NoiseStd,
            PhaseControl = PhaseControlName(PhaseControl),
            DelegateDrive = !NoDriveDelegation,
            Engine = ParseChoice(Engine, "--engine", ("batch", "batch"), ("actors", "actors"), ("cluster", "cluster")),
            ClusterConfig = ClusterConfig,
        };
        config.Validate();
        if (Threads is null && config.Engine == "batch")
        {
            ThreadChoice = ProductThreads.Choose(config.CreateNetwork(), config.BatchSize, MeasurementPlan(config));
            config = config with { Threads = ThreadChoice.Threads };
        }
        return config;
    }

    /// <summary>The run's minibatch plan for timing threads; a settling phase counts as a nominal 20 steps.</summary>
    private static MinibatchPlan MeasurementPlan(TrainingConfig config)
    {
        static PhaseLength Fixed(PhaseLength phase) => phase.UntilSettled ? 20 : phase;
        return MinibatchPlan.Training(Fixed(config.FreeSteps), Fixed(config.NudgedSteps),
            new Core.Dynamics.RuleApplication(config.Rule, config.Beta, config.ThirdPhase, config.Momentum, Form: config.UpdateForm));
    }

    internal static PhaseLength ParsePhaseLength(string text, string option) =>
        PhaseLength.Parse(text) ?? throw new ConfigurationException($"{option}: '{text}' is neither a positive number of steps nor auto");

    internal static T ParseChoice<T>(string value, string option, params (string Name, T Value)[] choices)
    {
        foreach (var (name, choice) in choices)
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
                return choice;
        throw new ConfigurationException($"{option}: '{value}' is not one of {string.Join(", ", choices.Select(c => c.Name))}");
    }

    internal static float[] ParseRates(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var rates = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out rates[i]))
                throw new ConfigurationException($"--lrs: '{parts[i]}' is not a number (expected e.g. 0.1,0.05)");
        return rates;
    }
}
