using System.Buffers;
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
/// A group actor is idle, relaxing a phase, or updating. A parameter request that comes while a phase runs, or while
/// the update waits for its sources' end-of-phase rates, is answered only after that: the coordinator never reads
/// parameters that are about to change. The test plays the coordinator and the output group of a 4-3-2 network.
/// </summary>
public sealed class GroupBehaviourTests : TestKit
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void ParameterRequestsWaitForThePhaseAndForTheUpdate()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var hidden = new NeuronGroup(network, network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var output = network.GroupsOf(2)[0];
        var schedule = new ScheduleSettings(DelegateDrive: false);
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, schedule, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        actor.Tell(Wire.InProcess(null, actor, TestActor));
        actor.Tell(new StartMinibatch(1, 1, new float[16], [], null));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 2, false), 0.5f, 1e-3f, ShareEndRates: true));
        ExpectMsg<Activity>(a => a.Step == 0);

        // Relaxing: the request waits until the phase's two steps are done.
        actor.Tell(new ExportParameters(ParameterKind.Weights));
        ExpectNoMsg(Quiet);
        var rates = new float[output.PaddedSize];
        actor.Tell(new Activity(output.Id, 1, 0, 0, rates, rates.Length));
        ExpectMsg<Activity>(a => a.Step == 1);
        actor.Tell(new Activity(output.Id, 1, 0, 1, rates, rates.Length));
        ExpectMsg<PhaseDone>();
        ExpectMsg<GroupParameters>();

        // Updating: the hidden group sends its end-of-phase rates and waits for the output's; so does the request.
        actor.Tell(new ApplyRule(1, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f), IntoEstimate: false, Phases: 1, Reply: true));
        ExpectMsg<PhaseEndActivity>(end => end.Source == hidden.Spec.Id);
        actor.Tell(new ExportParameters(ParameterKind.Weights));
        ExpectNoMsg(Quiet);
        var outputEnd = ArrayPool<float>.Shared.Rent(output.PaddedSize); // the receiver owns it and returns it
        Array.Clear(outputEnd);
        outputEnd[0] = 1f;
        actor.Tell(new PhaseEndActivity(output.Id, 1, 0, PhaseSlot.Free, outputEnd, output.PaddedSize));
        Assert.Equal(1, ExpectMsg<RuleApplied>().Minibatch);
        ExpectMsg<GroupParameters>();
    }

    [Fact]
    public void AnAsyncGroupDoesNotRestOnActivityItHoldsButHasNotIntegrated()
    {
        // Zero weights: no step moves the group, so only the activity it holds decides whether it may rest. Both of the
        // output's messages come before the group's first step (they wait in the stash until the phase begins); that
        // step integrates the step-0 one, and the group must take another step before it rests. (It once rested at
        // once: a message that came while it was stepping did not wake it, and a nudged phase could end before the
        // hidden layer saw the nudge.)
        var network = new NetworkSpec([4, 3, 2]);
        var hidden = new NeuronGroup(network, network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var output = network.GroupsOf(2)[0];
        var neighbour = CreateTestProbe();
        var coordinator = CreateTestProbe();
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, coordinator.Ref, new ScheduleSettings(ScheduleKind.Async), ActorMessageTransport.Instance,
            "akka.actor.default-dispatcher"));
        actor.Tell(Wire.InProcess(null, actor, neighbour.Ref));
        actor.Tell(new StartMinibatch(1, 1, new float[16], [], null));
        var rates = new float[output.PaddedSize];
        actor.Tell(new Activity(output.Id, 1, 0, 0, rates, rates.Length), neighbour.Ref);
        rates = new float[output.PaddedSize];
        rates[0] = 1f;
        actor.Tell(new Activity(output.Id, 1, 0, 1, rates, rates.Length), neighbour.Ref);
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 100, false), 0.5f, 1e-3f, ShareEndRates: false));

        Assert.Equal(0, neighbour.ExpectMsg<Activity>().Step);
        Assert.Equal(1, neighbour.ExpectMsg<ActivityUnchanged>().Step); // settled against step 0, but step 1 is held
        Assert.Equal(1, neighbour.ExpectMsg<Resting>().RestCount);
    }
}
