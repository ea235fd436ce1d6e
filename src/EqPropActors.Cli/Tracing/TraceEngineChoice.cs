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
        // A cluster run is traced on the in-process actor engine: the same group actors and schedules, without workers.
        string engine = options.Engine is { } given
            ? ModelSettings.ParseChoice(given, "--engine", ("batch", "batch"), ("actors", "actors"))
            : run.Engine == "cluster" ? "actors" : run.Engine;
        string schedule = options.ActorSchedule is { } named
            ? NetworkSettings.ScheduleName(named)
            : engine == "batch" ? "sync" : run.ActorSchedule; // the batch engine has one schedule; the run's async is noted by the command
        var config = run with
        {
            Engine = engine,
            ClusterConfig = null,
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
            throw new ConfigurationException("--schedule async needs --engine actors: the batch engine steps every group together");
        config.Validate();
        // The schedule's own checks (delays, probabilities), with the message naming the option, before anything runs.
        if (engine == "actors")
            EngineFactory.ScheduleOf(config).Validate();
        return config;
    }

    /// <summary>The actor engine with every group recording into the trace, or null for the batch engine.</summary>
    public static ProbeRelaxation.GroupwiseEngineFactory? GroupwiseEngineOf(TrainingConfig config) => config.Engine switch
    {
        "batch" => null,
        "actors" => (network, rows, trace) => new ActorEngine(network, rows, config.LearningRates, EngineFactory.ScheduleOf(config), Timeout, trace),
        _ => throw new ConfigurationException($"--engine: a trace relaxes with batch or actors, not '{config.Engine}'"),
    };

    /// <summary>The engine and the settings that shape its relaxation, for the console and trace.json.</summary>
    public static string Describe(TrainingConfig config)
    {
        if (config.Engine == "batch")
            return "batch engine";
        if (config.ActorSchedule == "sync")
            return "actor engine, sync schedule";
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
        return settings.Count == 0 ? "actor engine, async schedule (no delay, every step sent)" : $"actor engine, async schedule ({string.Join(", ", settings)})";
    }
}
