using System.Diagnostics;
using Akka.Actor;
using EqPropActors.Actors.Tests;
using EqPropActors.Cluster.Tests.TestSupport;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster.Tests;

/// <summary>A coordinator and two worker processes on 127.0.0.1, shared by the tests of one class.</summary>
public sealed class TwoWorkerCluster : IDisposable
{
    public LoopbackCluster Cluster { get; } = LoopbackCluster.Start(workers: 2);

    public void Dispose() => Cluster.Dispose();
}

/// <summary>The behaviour every engine shares (<see cref="EngineBehaviourTests"/>), on the cluster engine: groups spread
/// over two worker processes, the sync schedule (so the theorem check must give the batch engine's angles exactly).</summary>
public sealed class ClusterEngineBehaviour(TwoWorkerCluster fixture) : EngineBehaviourTests, IClassFixture<TwoWorkerCluster>
{
    protected override IEngine Create(NetworkSpec network, int rows, float[] learningRates) =>
        new OneAtATime(new ClusterEngine(fixture.Cluster.Coordinator, network, rows, learningRates), fixture.Cluster.Coordinator.System);

    /// <summary>
    /// A cluster engine whose disposal returns once its phase coordinator has stopped: the next engine on the same
    /// node names its coordinator the same (a first deployment is generation 0), and stopping is asynchronous.
    /// </summary>
    private sealed class OneAtATime(ClusterEngine engine, ActorSystem system) : IEngine
    {
        public NetworkSpec Network => engine.Network;
        public int MaxRows => engine.MaxRows;
        public void LoadParameters(ParameterSet weights, ParameterSet? velocity) => engine.LoadParameters(weights, velocity);
        public MinibatchReport Run(Minibatch batch, MinibatchPlan plan, float dt, float tolerance) => engine.Run(batch, plan, dt, tolerance);
        public ParameterSet ExportWeights() => engine.ExportWeights();
        public ParameterSet? ExportVelocity() => engine.ExportVelocity();
        public ParameterSet ExportEstimate() => engine.ExportEstimate();
        public string? FindDivergedParameter(float bound) => engine.FindDivergedParameter(bound);

        public void Dispose()
        {
            engine.Dispose();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(10) &&
                   system.ActorSelection("/user/coordinator-0").Ask<ActorIdentity>(new Identify(null), TimeSpan.FromSeconds(2)).Result.Subject is not null)
                Thread.Sleep(20);
        }
    }
}
