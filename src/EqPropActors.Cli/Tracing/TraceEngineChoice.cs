using EqPropActors.Actors;
using EqPropActors.Cli.Commands;
using EqPropActors.Core;
using EqPropActors.Core.Tracing;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Tracing;

/// <summary>
/// Which engine and schedule <c>eqprop trace</c> relaxes with: the run's own, with the options given on the command
/// line in place of the run's settings. Names are parsed as <c>train</c> parses them and the combination is checked by
/// <see cref="TrainingConfig.Validate"/> (and the schedule's values by the actor engine), so a trace accepts exactly
/// what a run could have been started with.
/// </summary>
public static class TraceEngineChoice
{
    /// <summary>How long the actor engine waits for a phase before it reports a stall.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static TrainingConfig Apply(TrainingConfig run, TraceSettings options)
    {
        string engine = options.Engine is { } given
            ? ModelSettings.ParseChoice(given, "--engine", ("batch", "batch"), ("actors", "actors"), ("cluster", "cluster"))
            : options.ClusterConfig is not null ? "cluster"
            // A cluster run is traced where it ran, with the file it was trained with; if that file is gone, on the same
            // group actors and schedules in this process (the command says so).
            : run.Engine == "cluster" && !File.Exists(run.ClusterConfig) ? "actors"
            : run.Engine;
        if (options.ClusterConfig is not null && engine != "cluster")
            throw new ConfigurationException($"--cluster-config is for --engine cluster, not --engine {engine}");
        string? clusterConfig = engine != "cluster" ? null
            : options.ClusterConfig is { } file ? Path.GetFullPath(file)
            : run.ClusterConfig ?? throw new ConfigurationException("--engine cluster needs --cluster-config <FILE>: the coordinator's configuration (see cluster-config/README.md)");
        string schedule = options.ActorSchedule is { } named
            ? NetworkSettings.ScheduleName(named)
            : engine == "batch" ? "sync" : run.ActorSchedule; // the batch engine has one schedule; the run's async is noted by the command
        var config = run with
        {
            Engine = engine,
            ClusterConfig = clusterConfig,
            ActorSchedule = schedule,
            Delay = options.Delay ?? run.Delay,
            Jitter = options.Jitter ?? run.Jitter,
            TauSpread = options.TauSpread ?? run.TauSpread,
            SendThreshold = options.SendThreshold ?? run.SendThreshold,
            SendMode = options.SendMode is { } mode ? NetworkSettings.SendModeName(mode) : run.SendMode,
            UpdateProbability = options.UpdateProbability ?? run.UpdateProbability,
            DropProbability = options.DropProbability ?? run.DropProbability,
            NoiseStd = options.NoiseStd ?? run.NoiseStd,
            PhaseControl = options.PhaseControl is { } control ? NetworkSettings.PhaseControlName(control) : run.PhaseControl,
        };
        if (engine == "batch" && options.ActorSchedule == "async")
            throw new ConfigurationException("--schedule async needs --engine actors or cluster: the batch engine steps every group together");
        config.Validate();
        // The schedule's own checks (delays, probabilities), with the message naming the option, before anything runs.
        if (engine != "batch")
            EngineFactory.ScheduleOf(config).Validate();
        return config;
    }

    /// <summary>True when a cluster run is traced in this process because the file it was trained with is gone.</summary>
    public static bool FellBackToThisProcess(TrainingConfig run, TraceSettings options, TrainingConfig traced) =>
        run.Engine == "cluster" && options.Engine is null && traced.Engine == "actors";

    /// <summary>The actor engine (in this process or on the cluster) with every traced group recording its steps into
    /// the trace, or null for the batch engine.</summary>
    public static ProbeRelaxation.GroupwiseEngineFactory? GroupwiseEngineOf(TrainingConfig config) => config.Engine switch
    {
        "batch" => null,
        "actors" => (network, rows, trace) => new ActorEngine(network, rows, config.LearningRates, EngineFactory.ScheduleOf(config), Timeout, trace),
        "cluster" => (_, rows, trace) => ClusterEngineFor(config, rows, trace),
        _ => throw new ConfigurationException($"--engine: a trace relaxes with batch, actors or cluster, not '{config.Engine}'"),
    };

    private static Core.Engines.IEngine ClusterEngineFor(TrainingConfig config, int rows, GroupwiseTrace trace)
    {
        try
        {
            return EngineFactory.CreateCluster(config, rows, trace);
        }
        catch (Actors.Coordination.EngineFailureException e)
        {
            // Most often the workers are not running: the cluster's message says what to start; a trace can also do without.
            throw new Actors.Coordination.EngineFailureException($"{e.Message}. To trace without workers, in this process: --engine actors");
        }
    }

    /// <summary>The engine and the settings that shape its relaxation, for the console and trace.json.</summary>
    public static string Describe(TrainingConfig config)
    {
        if (config.Engine == "batch")
            return "batch engine";
        string engine = config.Engine == "cluster" ? "cluster engine" : "actor engine";
        if (config.ActorSchedule == "sync")
            return $"{engine}, sync schedule";
        // Only the settings that differ from an async schedule without delays, spreads or imperfections: the rest is noise.
        var settings = new List<string>();
        void Add(bool given, FormattableString text)
        {
            if (given)
                settings.Add(FormattableString.Invariant(text));
        }
        Add(config.Delay != 0, $"delay {config.Delay:G4}");
        Add(config.Jitter != 0, $"jitter {config.Jitter:G4}");
        Add(config.TauSpread != 0, $"tau-spread {config.TauSpread:G4}");
        Add(config.SendThreshold != 0, $"send-threshold {config.SendThreshold:G4} ({config.SendMode})");
        Add(config.UpdateProbability != 1, $"update-prob {config.UpdateProbability:G4}");
        Add(config.DropProbability != 0, $"drop-prob {config.DropProbability:G4}");
        Add(config.NoiseStd != 0, $"noise-std {config.NoiseStd:G4}");
        Add(config.PhaseControl != "coordinator", $"phase-control {config.PhaseControl}");
        return settings.Count == 0 ? $"{engine}, async schedule (no delay, every step sent)" : $"{engine}, async schedule ({string.Join(", ", settings)})";
    }
}
