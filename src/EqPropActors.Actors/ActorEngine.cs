using Akka.Actor;
using Akka.Configuration;
using EqPropActors.Actors.Coordination;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
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
    private readonly IActorRef _coordinator;
    private readonly TimeSpan _timeout;

    public ActorEngine(NetworkSpec network, int maxRows, IReadOnlyList<float> learningRates, ScheduleSettings? schedule = null, TimeSpan? timeout = null)
    {
        Schedule = schedule ?? ScheduleSettings.Synchronous;
        Schedule.Validate();
        if (learningRates.Count != network.PairCount)
            throw new ArgumentException($"expected {network.PairCount} learning rates (one per layer pair), got {learningRates.Count}", nameof(learningRates));
        Network = network;
        MaxRows = maxRows;
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
        _system = ActorSystem.Create("eqprop", DefaultConfig());
        _coordinator = _system.ActorOf(PhaseCoordinator.Props(network, maxRows, learningRates, Schedule, _timeout, GroupDispatcher), "coordinator");
    }

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

    public MinibatchReport Run(Minibatch batch, MinibatchPlan plan, float dt, float tolerance) =>
        Ask<MinibatchReport>(new RunMinibatch(batch, plan, dt, tolerance), "the minibatch");

    public void LoadParameters(ParameterSet weights, ParameterSet? velocity) =>
        Ask<object[]>(new LoadParameters(weights, velocity), "loading the parameters");

    public ParameterSet ExportWeights()
    {
        var weights = ParameterSet.Zeros(Network.LayerSizes);
        Ask<object[]>(new StoreParameters(weights, null, null), "exporting the weights");
        return weights;
    }

    public ParameterSet? ExportVelocity()
    {
        var weights = ParameterSet.Zeros(Network.LayerSizes);
        var velocity = ParameterSet.Zeros(Network.LayerSizes);
        var replies = Ask<object[]>(new StoreParameters(weights, velocity, null), "exporting the velocities");
        return replies.OfType<Done>().Any(done => done.HasVelocity) ? velocity : null;
    }

    public ParameterSet ExportEstimate()
    {
        var weights = ParameterSet.Zeros(Network.LayerSizes);
        var estimate = ParameterSet.Zeros(Network.LayerSizes);
        Ask<object[]>(new StoreParameters(weights, null, estimate), "exporting the rule estimate");
        return estimate;
    }

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

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
