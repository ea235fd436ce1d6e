using Akka.Actor;
using Akka.Configuration;
using EqPropActors.Actors.Coordination;
using EqPropActors.Actors.Groups;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Actors.Transport;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors;

/// <summary>
/// The network simulated as Akka.NET actors, one per neuron group, run by a phase coordinator. With the
/// synchronous schedule it computes exactly what the batch engine computes (same kernel, same order of
/// operations), so its weights equal the batch engine's bit for bit.
/// </summary>
public sealed class ActorEngine : IEngine
{
    public const string GroupDispatcher = "akka.actor.eqprop-group-dispatcher";

    private readonly ActorSystem _system;
    private readonly bool _ownsSystem;
    private readonly IActorRef _coordinator;
    private readonly TimeSpan _timeout;

    /// <summary>An engine in this process: its own actor system, with every group on one local host.</summary>
    /// <param name="recorder">Watches every step of every group, as the batch engine's recorder does; the async schedule
    /// needs an <see cref="IAsyncStepRecorder"/>, which also records each group's clock, views and messages.</param>
    public ActorEngine(NetworkSpec network, int maxRows, IReadOnlyList<float> learningRates, ScheduleSettings? schedule = null, TimeSpan? timeout = null,
        IGroupStepRecorder? recorder = null)
        : this(ActorSystem.Create("eqprop", DefaultConfig()), ownsSystem: true, network, maxRows, learningRates, schedule, timeout, hostOf: null, linkEndpointOf: null, generation: 0,
            RequireClockRecorderForAsync(recorder, schedule))
    {
    }

    /// <summary>The async schedule's groups step on clocks of their own, which a trace of their steps alone cannot
    /// place in time: it needs a recorder that also takes each group's clock and messages.</summary>
    private static IGroupStepRecorder? RequireClockRecorderForAsync(IGroupStepRecorder? recorder, ScheduleSettings? schedule) =>
        recorder is not null and not IAsyncStepRecorder && schedule is { Kind: ScheduleKind.Async }
            ? throw new Core.ConfigurationException(
                $"the async schedule's groups are traced by an {nameof(IAsyncStepRecorder)} (steps with their clocks and messages); a {recorder.GetType().Name} records the sync schedule only")
            : recorder;

    /// <summary>
    /// Deploys the engine into <paramref name="system"/>: the coordinator here, each group on the <see cref="GroupHost"/>
    /// <paramref name="hostOf"/> names (a local host when null), which may be on other nodes of a cluster.
    /// <paramref name="linkEndpointOf"/>: the activity-link endpoint of a group's node ("" for none), handed to the
    /// groups with their neighbours' addresses; null when no node has one.
    /// <paramref name="recordsSteps"/>: the groups that record their steps on their hosts (<see cref="GroupSetup.RecordSteps"/>).
    /// </summary>
    public ActorEngine(ActorSystem system, bool ownsSystem, NetworkSpec network, int maxRows, IReadOnlyList<float> learningRates,
        ScheduleSettings? schedule, TimeSpan? timeout, Func<GroupSpec, IActorRef>? hostOf, Func<IActorRef, string>? linkEndpointOf, int generation,
        IGroupStepRecorder? localRecorder = null, Func<GroupSpec, bool>? recordsSteps = null)
    {
        Schedule = schedule ?? ScheduleSettings.Synchronous;
        Schedule.Validate();
        if (learningRates.Count != network.PairCount)
            throw new ArgumentException($"expected {network.PairCount} learning rates (one per layer pair), got {learningRates.Count}", nameof(learningRates));
        Network = network;
        MaxRows = maxRows;
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
        (_system, _ownsSystem) = (system, ownsSystem);
        try
        {
            if (hostOf is null)
            {
                var localHost = system.ActorOf(GroupHost.Props(GroupDispatcher, ActorMessageTransport.Instance, localRecorder), GroupHost.Name);
                hostOf = _ => localHost;
            }
            _coordinator = system.ActorOf(PhaseCoordinator.Props(network, maxRows, learningRates, Schedule, _timeout), $"coordinator-{generation}");
            var groups = new NeighbourAddress?[network.Groups.Count];
            var created = network.FreeGroups.Select(spec => CreateGroup(hostOf(spec), new GroupSetup(NetworkDescription.Of(network), spec.Id, maxRows,
                learningRates.ToArray(), Schedule, _coordinator, generation, StallTimeout: _timeout / 3, RecordSteps: recordsSteps?.Invoke(spec) ?? false))).ToArray();
            foreach (var group in created)
                groups[group.Group] = new NeighbourAddress(group.Actor, linkEndpointOf?.Invoke(group.Actor) ?? "");
            Ask<Done>(new AttachGroups(groups), "wiring the groups");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private GroupCreated CreateGroup(IActorRef host, GroupSetup setup)
    {
        string name = Network.Groups[setup.Group].Name;
        object reply;
        try
        {
            reply = host.Ask<object>(new CreateGroup(setup), _timeout).GetAwaiter().GetResult();
        }
        catch (AskTimeoutException)
        {
            throw new EngineFailureException($"the host {host.Path} did not create group {name} within {_timeout.TotalSeconds:F0} s");
        }
        return reply switch
        {
            GroupCreated created => created,
            GroupFailed failed => throw new EngineFailureException(failed.Reason),
            _ => throw new EngineFailureException($"the host {host.Path} answered {reply.GetType().Name} to the creation of group {name}"),
        };
    }

    public ActorSystem System => _system;

    public NetworkSpec Network { get; }
    public ScheduleSettings Schedule { get; }
    public int MaxRows { get; }

    /// <summary>cluster-config/actors.conf, compiled into this assembly.</summary>
    public static Config DefaultConfig()
    {
        using var stream = typeof(ActorEngine).Assembly.GetManifestResourceStream("EqPropActors.Actors.actors.conf")
            ?? throw new InvalidOperationException("the embedded actors.conf is missing from EqPropActors.Actors");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    public MinibatchReport Run(Minibatch batch, MinibatchPlan plan, float dt, float tolerance)
    {
        RequireFixedPhases(plan);
        return Ask<MinibatchReport>(new RunMinibatch(batch, plan, dt, tolerance), "the minibatch");
    }

    /// <summary>
    /// Ending a phase once every sample has settled (<c>--T1 auto</c>) needs every group's residual after every
    /// step: a global agreement per step that the groups do not make (the async schedule settles per group instead).
    /// </summary>
    public static void RequireFixedPhases(MinibatchPlan plan)
    {
        if (plan.Phases.FirstOrDefault(p => p.UntilSettled) is { } phase)
            throw new Core.ConfigurationException($"the {phase.Name} phase runs until settled (--T1/--T2 auto), which only the batch engine does: " +
                "give a number of steps, or use --engine batch");
    }

    public void LoadParameters(ParameterSet weights, ParameterSet? velocity) =>
        Ask<object[]>(new LoadAll(weights, velocity), "loading the parameters");

    public ParameterSet ExportWeights() => Export(ParameterKind.Weights)!;

    public ParameterSet? ExportVelocity() => Export(ParameterKind.Velocity);

    public ParameterSet ExportEstimate() => Export(ParameterKind.Estimate)!;

    private ParameterSet? Export(ParameterKind kind) =>
        Ask<GatheredParameters>(new ExportAll(kind), $"exporting the {kind.ToString().ToLowerInvariant()}").Set;

    public string? FindDivergedParameter(float bound) =>
        Ask<object[]>(new FindDiverged(bound), "the divergence scan").OfType<DivergenceReport>().Select(r => r.Where).FirstOrDefault(w => w is not null);

    private T Ask<T>(object request, string what)
    {
        try
        {
            // Generous: the coordinator's own per-stage timeout is the one that names the missing groups.
            return _coordinator.Ask<T>(request, OverallTimeout).GetAwaiter().GetResult();
        }
        catch (AskTimeoutException)
        {
            throw new EngineFailureException($"the actor engine did not finish {what} within {OverallTimeout.TotalSeconds:F0} s");
        }
    }

    private TimeSpan OverallTimeout => _timeout * 4 + TimeSpan.FromSeconds(10);

    /// <summary>Stops the coordinator (and, when the engine owns it, the actor system with every group).</summary>
    public void Dispose()
    {
        if (_ownsSystem)
            _system.Terminate().Wait(TimeSpan.FromSeconds(10));
        else if (_coordinator is not null)
            _system.Stop(_coordinator);
    }
}
