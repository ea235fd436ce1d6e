using Akka.Actor;
using Akka.TestKit.Xunit2;
using EqPropActors.Actors.Groups;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Actors.Transport;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// Simulated time under the async schedule: delays are times in units of τ0, delivered on the receiver's clock of
/// steps of dt; a group's time constant τ_g slows its steps, not its clock. The single-group tests play the output
/// group and the coordinator of a 4-3-2 network whose hidden group sums the output's first rate (s_j → ρ(output 0)).
/// </summary>
public sealed class SimulatedTimeTests : TestKit
{
    private const float Target = 0.5f; // the output rate the hidden group's states relax to

    [Theory]
    [InlineData(0.1f, 0.3, 3)]  // 0.3 / 0.1f = 2.99999996: three steps, as written
    [InlineData(0.7f, 1.4, 2)]  // 1.4 / 0.7f = 2.00000003: two steps, not three
    [InlineData(0.5f, 0.6, 2)]  // 1.2 steps: integrated from the first step at or after the arrival time
    public void ADelayInTauArrivesAtTheEquivalentStep(float dt, double delay, int arrivalSteps)
    {
        const int budget = 60;
        // The output sends all its steps at once and never rests: the hidden group steps its whole budget, at each of
        // its steps t integrating the output's step t − arrivalSteps (step 0 before that). A lead bound wider than the
        // output's lead keeps every message in the group's history.
        var schedule = new ScheduleSettings(ScheduleKind.Async, Delay: delay, MaxLead: 100);
        var (actor, output, neighbour) = StartHiddenGroup(schedule, dt, budget, tolerance: 1e-6f);
        for (int step = 0; step <= budget + arrivalSteps + 5; step++)
            actor.Tell(new Activity(output.Id, 1, 0, step, RatesOf(output, Target), output.PaddedSize), neighbour);

        var done = EndWhenResting(actor);

        long expectedSum = Enumerable.Range(0, budget).Sum(t => (long)Math.Min(t, arrivalSteps));
        Assert.Equal(budget, done.Statistics.Steps);
        Assert.Equal(budget, done.Statistics.StalenessCount);
        Assert.Equal(expectedSum, done.Statistics.StalenessSum); // staleness t − (t − arrival) per step, t before it
    }

    [Fact]
    public void AGroupWithTwiceTheTimeConstantTakesAboutTwiceTheStepsToTheSameFixedPoint()
    {
        const float dt = 0.1f, tolerance = 1e-4f;
        var nominal = RelaxAgainstConstantInput(new ScheduleSettings(ScheduleKind.Async), dt, tolerance);
        var slow = RelaxAgainstConstantInput(WithTimeConstant(2), dt, tolerance);

        // Every tick is a step of dt (no idle ticks); with τ = 2 it moves dt/2 of the way, so the residual
        // 0.5·√3·(1 − dt/τ)^t falls below the tolerance at step 88 at τ = 1 and 178 at τ = 2 (ratio 2.02). Judging the
        // slow group's steps against tolerance·dt instead of tolerance·dt/τ would stop it at step 165 (1.88).
        double ratio = (double)slow.Statistics.Steps / nominal.Statistics.Steps;
        Assert.True(ratio is > 1.97 and < 2.15, $"{nominal.Statistics.Steps} steps at τ = 1, {slow.Statistics.Steps} at τ = 2 (ratio {ratio:F3})");
        // τ changes how fast the group gets there, not where: both end within the tolerance of the fixed point.
        Assert.All(nominal.FreeStates!, s => Assert.Equal(Target, s, 1e-3f));
        Assert.All(slow.FreeStates!, s => Assert.Equal(Target, s, 1e-3f));
        // The residual it reports is the residual, whatever τ: √(norm)/dt, as the coordinator reads it.
        double reported = Math.Sqrt(slow.StepSquaredNorms[0]) / dt;
        Assert.True(reported is > 0.5 * tolerance and <= tolerance, $"reported residual {reported:E3} for a group that stopped at tolerance {tolerance:E0}");
    }

    [Fact]
    public void TheFreshResidualOfASlowGroupIsAResidualToo()
    {
        // The update measures the end state once more against the sources' end rates. For a group relaxing
        // geometrically towards a constant input that residual is (1 − dt/τ) times the one its last step reported;
        // measured with the short step dt/τ and not rescaled, it would read τ times smaller (0.475 here).
        const float dt = 0.1f;
        var (actor, output, neighbour) = StartHiddenGroup(WithTimeConstant(2), dt, budget: 5000, tolerance: 1e-4f, shareEndRates: true);
        actor.Tell(new Activity(output.Id, 1, 0, 0, RatesOf(output, Target), output.PaddedSize), neighbour);
        actor.Tell(new Resting(output.Id, 1, 0, RestCount: 1, HeardStep: int.MaxValue), neighbour);
        var done = EndWhenResting(actor);

        actor.Tell(new ApplyRule(1, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f), IntoEstimate: true, Phases: 1, Reply: true));
        actor.Tell(new PhaseEndActivity(output.Id, 1, 0, PhaseSlot.Free, RatesOf(output, Target), output.PaddedSize), neighbour);
        var applied = FishForMessage<RuleApplied>(_ => true, TimeSpan.FromSeconds(10));

        double ratio = Math.Sqrt(applied.FreshSteps.Single().SquaredSteps[0] / done.StepSquaredNorms[0]);
        Assert.True(ratio is > 0.9 and < 1.0, $"fresh residual / last step's residual = {ratio:F3}; expected 1 − dt/τ = 0.95");
    }

    [Fact]
    public void SpreadTimeConstantsReachTheSynchronousFixedPoint()
    {
        // A spread of time constants changes the path to the fixed point, not the fixed point (τ_g ds/dt = 0 where
        // ds/dt = 0): long async free phases end where the sync schedule does, within what the tolerance leaves.
        var fixture = new EngineFixture([20, 12, 9, 6], groupsPerHiddenLayer: 2);
        var synchronous = FreeFixedPoint(fixture, ScheduleSettings.Synchronous, tolerance: 1e-6f);
        var plain = FreeFixedPoint(fixture, new ScheduleSettings(ScheduleKind.Async), tolerance: 1e-5f);
        var spread = FreeFixedPoint(fixture, new ScheduleSettings(ScheduleKind.Async, TauSpread: 1), tolerance: 1e-5f);

        for (int layer = 1; layer < synchronous.Length; layer++)
            for (int i = 0; i < synchronous[layer].Length; i++)
            {
                Assert.Equal(synchronous[layer][i], plain[layer][i], 1e-3f);
                Assert.Equal(synchronous[layer][i], spread[layer][i], 1e-3f);
            }
    }

    [Theory]
    [InlineData(-0.1, 0, 0, "--delay", "-0.1")]
    [InlineData(0, double.NaN, 0, "--jitter", "NaN")]
    [InlineData(0, 0, -2, "--tau-spread", "-2")]
    [InlineData(double.PositiveInfinity, 0, 0, "--delay", "Infinity")]
    public void TimesAndSpreadMustBeNonNegativeNumbers(double delay, double jitter, double tauSpread, string option, string value)
    {
        var error = Assert.Throws<Core.ConfigurationException>(() =>
            new ScheduleSettings(ScheduleKind.Async, Delay: delay, Jitter: jitter, TauSpread: tauSpread).Validate());
        Assert.Contains(option, error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public void TimeConstantsNeedTheAsyncSchedule()
    {
        var error = Assert.Throws<Core.ConfigurationException>(() => new ScheduleSettings(ScheduleKind.Sync, TauSpread: 0.5).Validate());
        Assert.Contains("--tau-spread", error.Message);
        Assert.Contains("--schedule async", error.Message);
    }

    /// <summary>A schedule whose spread gives the hidden group of the 4-3-2 network the time constant τ.</summary>
    private static ScheduleSettings WithTimeConstant(double tau)
    {
        var hidden = new NetworkSpec([4, 3, 2]).GroupsOf(1)[0];
        double u = new ScheduleSettings(ScheduleKind.Async, TauSpread: 1).TimeConstantOf(hidden.Id) - 1;
        var schedule = new ScheduleSettings(ScheduleKind.Async, TauSpread: (tau - 1) / u);
        Assert.Equal(tau, schedule.TimeConstantOf(hidden.Id), 1e-9);
        return schedule;
    }

    /// <summary>The output sends its rate once and rests; the hidden group relaxes towards it from zero.</summary>
    private PhaseDone RelaxAgainstConstantInput(ScheduleSettings schedule, float dt, float tolerance)
    {
        var (actor, output, neighbour) = StartHiddenGroup(schedule, dt, budget: 5000, tolerance);
        actor.Tell(new Activity(output.Id, 1, 0, 0, RatesOf(output, Target), output.PaddedSize), neighbour);
        actor.Tell(new Resting(output.Id, 1, 0, RestCount: 1, HeardStep: int.MaxValue), neighbour);
        return EndWhenResting(actor);
    }

    private (IActorRef Actor, GroupSpec Output, IActorRef Neighbour) StartHiddenGroup(ScheduleSettings schedule, float dt, int budget, float tolerance,
        bool shareEndRates = false)
    {
        var network = new NetworkSpec([4, 3, 2]);
        var hidden = new NeuronGroup(network, network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var output = network.GroupsOf(2)[0];
        var feedback = hidden.Incoming.Single(b => b.Source.Id == output.Id);
        for (int j = 0; j < hidden.Spec.Size; j++)
            feedback.Weights[0 * hidden.Stride + j] = 1f;
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, schedule, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        var neighbour = CreateTestProbe();
        actor.Tell(Wire.InProcess(null, actor, neighbour.Ref));
        actor.Tell(new StartMinibatch(1, 1, new float[16], [], LayerStates: new float[hidden.Spec.Size]));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, budget, false), dt, tolerance, ShareEndRates: shareEndRates));
        return (actor, output, neighbour.Ref);
    }

    private static float[] RatesOf(GroupSpec output, float first)
    {
        var rates = new float[output.PaddedSize];
        rates[0] = first;
        return rates;
    }

    /// <summary>Waits until the group rests, then ends the phase as the coordinator would and returns its report.</summary>
    private PhaseDone EndWhenResting(IActorRef actor)
    {
        FishForMessage<GroupStatus>(status => status.Resting, TimeSpan.FromSeconds(20));
        actor.Tell(new EndPhase(1, 0));
        return FishForMessage<PhaseDone>(_ => true, TimeSpan.FromSeconds(10));
    }

    private static float[][] FreeFixedPoint(EngineFixture fixture, ScheduleSettings schedule, float tolerance)
    {
        using var engine = new ActorEngine(fixture.Network, 8, fixture.LearningRates, schedule, TimeSpan.FromSeconds(60));
        engine.LoadParameters(fixture.Weights, null);
        var batch = fixture.Batches[0];
        batch.Particles = fixture.Network.LayerSizes.Select((n, l) => new float[l == 0 ? 0 : 8 * n]).ToArray();
        try
        {
            engine.Run(batch, MinibatchPlan.Evaluation(20_000), 0.5f, tolerance);
            return batch.Particles.Select(layer => layer.ToArray()).ToArray();
        }
        finally
        {
            batch.Particles = null;
        }
    }
}
