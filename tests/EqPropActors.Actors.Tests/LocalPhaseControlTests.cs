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
/// <c>--phase-control local</c>: the coordinator only presents the input and the target. The output group ends each
/// phase by its own criterion and broadcasts the end; every other group ends the phase when the broadcast reaches it
/// and learns from what it holds then. The protocol is checked on single group actors (the test plays the coordinator
/// and the neighbour); the whole engine is checked against the synchronous batch engine.
/// </summary>
public sealed class LocalPhaseControlTests : TestKit
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly ScheduleSettings Local = new(ScheduleKind.Async, PhaseControl: PhaseControl.Local);
    private static readonly RuleApplication Vf = new(LearningRule.Vf, 0.5f, false, 0f);

    [Fact]
    public void TheOutputGroupEndsEachPhaseOnItsOwnClockAndLearnsFromTheRatesItHolds()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var outputGroup = new NeuronGroup(network, network.GroupsOf(2)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var hidden = network.GroupsOf(1)[0];
        var coordinator = CreateTestProbe();
        var neighbour = CreateTestProbe();
        var actor = Sys.ActorOf(NeuronGroupActor.Props(outputGroup, coordinator.Ref, Local, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        actor.Tell(Wire.InProcess(null, neighbour.Ref, actor));
        var before = Load(actor, network, outputGroup.Spec, coordinator);

        // The whole plan goes out at once, as the coordinator sends it under local control. A tolerance no step can
        // meet: each phase lasts exactly its three steps on the output group's clock.
        actor.Tell(new StartMinibatch(1, 1, [], [1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], null));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 3, false), 0.5f, 1e-12f, ShareEndRates: true));
        actor.Tell(new StartPhase(1, 1, new Phase("nudged", PhaseSlot.Positive, 0.5f, 3, true), 0.5f, 1e-12f, ShareEndRates: false));
        actor.Tell(new ApplyRule(1, Vf, IntoEstimate: false, Phases: 2, Reply: false));

        var rates = new float[hidden.PaddedSize];
        rates[0] = rates[1] = 1f;
        for (int phase = 0; phase < 2; phase++)
        {
            Assert.Equal(0, neighbour.ExpectMsg<Activity>(a => a.PhaseIndex == phase).Step);
            for (int step = 0; step < 3; step++)
                actor.Tell(new Activity(hidden.Id, 1, phase, step, rates, rates.Length), neighbour.Ref);
            for (int step = 1; step <= 3; step++)
                Assert.Equal(step, neighbour.ExpectMsg<Activity>().Step);
            var end = neighbour.ExpectMsg<EndPhase>();
            Assert.Equal((1L, phase), (end.Minibatch, end.PhaseIndex));
            var done = coordinator.ExpectMsg<PhaseDone>();
            Assert.Equal((phase, 3), (done.PhaseIndex, done.Statistics.Steps));
            if (phase == 0)
            {
                // The hidden group had not heard the broadcast yet: its late free-phase activity is not integrated,
                // and it does not stop the run.
                actor.Tell(new Activity(hidden.Id, 1, 0, 3, rates, rates.Length), neighbour.Ref);
            }
        }

        // The rule read the rates the group held; nothing was exchanged, nothing is awaited.
        neighbour.ExpectNoMsg(Quiet);
        coordinator.ExpectNoMsg(Quiet);
        actor.Tell(new ExportParameters(ParameterKind.Weights), coordinator.Ref);
        var after = coordinator.ExpectMsg<GroupParameters>().Slice!;
        // Only the synapses from the two active hidden units (rows 0 and 1 of the forward block) moved.
        int size = outputGroup.Spec.Size; // slices are dense: [hidden units × output units]
        for (int j = 0; j < hidden.Size; j++)
            for (int i = 0; i < size; i++)
            {
                bool moved = after.Forward[j * size + i] != before.Forward[j * size + i];
                Assert.True(moved == (j < 2), $"synapse {j}→{i} {(moved ? "moved" : "stayed")}");
            }
    }

    [Fact]
    public void AGroupEndsThePhaseWhenTheBroadcastReachesIt()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var hiddenGroup = new NeuronGroup(network, network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var output = network.GroupsOf(2)[0];
        var coordinator = CreateTestProbe();
        var neighbour = CreateTestProbe();
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hiddenGroup, coordinator.Ref, Local, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        actor.Tell(Wire.InProcess(null, actor, neighbour.Ref));
        Load(actor, network, hiddenGroup.Spec, coordinator);
        actor.Tell(new StartMinibatch(1, 1, [1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], [], null));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 1000, false), 0.5f, 1e-12f, ShareEndRates: true));
        Assert.Equal(0, neighbour.ExpectMsg<Activity>().Step);
        var rates = new float[output.PaddedSize];
        actor.Tell(new Activity(output.Id, 1, 0, 0, rates, rates.Length), neighbour.Ref);
        actor.Tell(new Activity(output.Id, 1, 0, 1, rates, rates.Length), neighbour.Ref);
        neighbour.ExpectMsg<Activity>(a => a.Step == 1);

        // The group would step on to its budget of 1,000 (the lead bound holds it two steps ahead of the output);
        // the output group's broadcast ends the phase instead, and nobody reports to the coordinator before.
        coordinator.ExpectNoMsg(Quiet);
        actor.Tell(new EndPhase(1, 0), neighbour.Ref);
        var done = coordinator.ExpectMsg<PhaseDone>();
        Assert.Equal(0, done.PhaseIndex);
        Assert.InRange(done.Statistics.Steps, 2, 4);
    }

    [Fact]
    public void ABroadcastForAPhaseNotYetBegunWaitsForIt()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var hiddenGroup = new NeuronGroup(network, network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var coordinator = CreateTestProbe();
        var neighbour = CreateTestProbe();
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hiddenGroup, coordinator.Ref, Local, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        actor.Tell(Wire.InProcess(null, actor, neighbour.Ref));
        actor.Tell(new StartMinibatch(1, 1, new float[16], [], null));
        // Across nodes the output group's broadcast may overtake the coordinator's start of the phase.
        actor.Tell(new EndPhase(1, 0), neighbour.Ref);
        coordinator.ExpectNoMsg(Quiet);
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 1000, false), 0.5f, 1e-12f, ShareEndRates: false));
        Assert.Equal(0, coordinator.ExpectMsg<PhaseDone>().PhaseIndex);
    }

    [Fact]
    public void WithLongPhasesTheUpdateIsTheSynchronousOne()
    {
        // Long phases and a tight tolerance: the output group ends each phase at (near) the fixed point, where the
        // views every group holds equal its neighbours' states, so the local update is the batch engine's up to
        // the remaining residual.
        var fixture = new EngineFixture([20, 12, 9, 6], groupsPerHiddenLayer: 2);
        var plan = MinibatchPlan.Training(2000, 2000, Vf);
        ParameterSet Update(IEngine engine)
        {
            using (engine as IDisposable)
            {
                engine.LoadParameters(fixture.Weights, null);
                engine.Run(fixture.Batches[0], plan, 0.2f, 1e-6f);
                return engine.ExportWeights();
            }
        }
        var reference = Update(EngineFixture.Batch(fixture.Network, 8, fixture.LearningRates));
        var local = Update(new ActorEngine(fixture.Network, 8, fixture.LearningRates, Local, TimeSpan.FromSeconds(60)));
        for (int layer = 1; layer < fixture.Weights.Forward.Length; layer++)
        {
            var expected = Difference(reference.Forward[layer], fixture.Weights.Forward[layer]);
            var actual = Difference(local.Forward[layer], fixture.Weights.Forward[layer]);
            double relative = Norm(Difference(actual, expected)) / Norm(expected);
            Assert.True(relative < 0.02, $"layer {layer}: the local update differs from the synchronous one by {relative:P2}");
        }
    }

    [Fact]
    public void LocalPhaseControlNeedsTheAsyncSchedule()
    {
        var error = Assert.Throws<Core.ConfigurationException>(() => new ScheduleSettings(PhaseControl: PhaseControl.Local).Validate());
        Assert.Contains("--phase-control local", error.Message);
    }

    /// <summary>Weights of 0.1 and biases of 0.3: drives inside (0, 1), so no state is clipped and every step moves.</summary>
    private static GroupSlice Load(IActorRef actor, NetworkSpec network, GroupSpec group, Akka.TestKit.TestProbe coordinator)
    {
        var slice = GroupSlice.Zeros(network, group);
        Array.Fill(slice.Forward, 0.1f);
        Array.Fill(slice.Feedback, 0.1f);
        Array.Fill(slice.Bias, 0.3f);
        actor.Tell(new LoadParameters(slice, null), coordinator.Ref);
        coordinator.ExpectMsg<Done>();
        return slice;
    }

    private static float[] Difference(float[] a, float[] b) => a.Zip(b, (x, y) => x - y).ToArray();

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
}
