using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

public sealed class BatchEngineBehaviour : EngineBehaviourTests
{
    protected override IEngine Create(NetworkSpec network, int rows, float[] learningRates) => new BatchEngine(network, rows, learningRates);
}

public sealed class SyncActorEngineBehaviour : EngineBehaviourTests
{
    protected override IEngine Create(NetworkSpec network, int rows, float[] learningRates) =>
        new ActorEngine(network, rows, learningRates, timeout: TimeSpan.FromSeconds(30));
}

public sealed class AsyncActorEngineBehaviour : EngineBehaviourTests
{
    protected override IEngine Create(NetworkSpec network, int rows, float[] learningRates) =>
        new ActorEngine(network, rows, learningRates, new ScheduleSettings(ScheduleKind.Async), TimeSpan.FromSeconds(30));

    // Async relaxation with stale inputs converges along another path and more slowly: it gets a larger step budget
    // (its phases end as soon as every group stands still) and a tolerance of one degree.
    protected override double AngleToleranceDegrees => 1.0;

    protected override int TheoremStepBudget => 3000;
}
