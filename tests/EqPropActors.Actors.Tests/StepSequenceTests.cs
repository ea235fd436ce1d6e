using EqPropActors.Actors.Transport;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using EqPropActors.Actors.Groups;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// A group actor checks the step number of every activity it receives: a duplicated or skipped step message stops
/// the run with a message, it is never silently absorbed. The test plays the coordinator and the neighbour.
/// </summary>
public sealed class StepSequenceTests : TestKit
{
    private readonly NetworkSpec _network = new([4, 3, 2]);

    private (IActorRef Hidden, float[] Rates) StartHiddenGroup(TimeSpan? stallTimeout = null)
    {
        var hidden = new NeuronGroup(_network, _network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, ScheduleSettings.Synchronous, ActorMessageTransport.Instance, "akka.actor.default-dispatcher", stallTimeout));
        var output = _network.GroupsOf(2)[0];
        // The output group is played by this test: it receives the hidden group's activity.
        actor.Tell(Wire.InProcess(null, actor, TestActor));
        actor.Tell(new StartMinibatch(1, 1, new float[16], new float[16], null));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 5, false), 0.5f, 1e-3f, true));
        ExpectMsg<Activity>(a => a.Step == 0 && a.Source == hidden.Spec.Id);
        return (actor, new float[output.PaddedSize]);
    }

    [Fact]
    public void ADuplicatedStepMessageStopsTheRun()
    {
        var (hidden, rates) = StartHiddenGroup();
        hidden.Tell(new Activity(2, 1, 0, 0, rates, rates.Length));
        ExpectMsg<Activity>(a => a.Step == 1); // the barrier let step 0 → 1 through
        hidden.Tell(new Activity(2, 1, 0, 0, rates, rates.Length)); // step 0 again
        var failure = ExpectMsg<GroupFailed>();
        Assert.Contains("duplicated or lost", failure.Reason);
        Assert.Contains("L1G0", failure.Reason);
    }

    [Fact]
    public void ASkippedStepMessageStopsTheRun()
    {
        var (hidden, rates) = StartHiddenGroup();
        hidden.Tell(new Activity(2, 1, 0, 3, rates, rates.Length)); // steps 0, 1 and 2 never came
        var failure = ExpectMsg<GroupFailed>();
        Assert.Contains("step 3", failure.Reason);
        Assert.Contains("duplicated or lost", failure.Reason);
    }

    [Fact]
    public void AStepMessageThatNeverArrivesStopsTheRunNamingTheEdge()
    {
        var (hidden, rates) = StartHiddenGroup(stallTimeout: TimeSpan.FromMilliseconds(300));
        hidden.Tell(new Activity(2, 1, 0, 0, rates, rates.Length));
        ExpectMsg<Activity>(a => a.Step == 1);
        // Step 1 of the output group is "lost": the hidden group must not wait for ever.
        var failure = ExpectMsg<GroupFailed>(TimeSpan.FromSeconds(5));
        Assert.Contains("no step-1 activity from L2G0", failure.Reason);
        Assert.Contains("lost", failure.Reason);
        Assert.Contains("L1G0", failure.Reason);
    }

    [Fact]
    public void ParametersOfAnotherNetworkSizeAreRefusedNamingTheSizes()
    {
        var hidden = new NeuronGroup(_network, _network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, ScheduleSettings.Synchronous, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        // The hidden group's columns of a 5-3-2 network, sent to the group of a 4-3-2 one (e.g. a mixed-up checkpoint).
        var other = new NetworkSpec([5, 3, 2]);
        actor.Tell(new LoadParameters(GroupSlice.Zeros(other, other.GroupsOf(1)[0]), null));
        var failure = ExpectMsg<GroupFailed>(); // to the coordinator (played by this test) ...
        Assert.Contains("15/6/3 forward/feedback/bias values", failure.Reason);
        Assert.Contains("4-3-2 network needs 12/6/3", failure.Reason);
        ExpectMsg<GroupFailed>(); // ... and, as the answer, to the one who asked
    }

    /// <summary>
    /// From another node (the activity links deliver without a sender) a message that does not fit is dropped, not
    /// fatal: a member gone wrong must not stop a run by itself. The group takes the next valid step as if nothing
    /// had come.
    /// </summary>
    [Fact]
    public void FromAnotherNodeMessagesThatDoNotFitAreDroppedAndTheGroupGoesOn()
    {
        var (hidden, rates) = StartHiddenGroup();
        hidden.Tell(new Activity(2, 0, 0, 0, rates, rates.Length), ActorRefs.NoSender);  // a finished minibatch
        hidden.Tell(new Activity(2, 9, 0, 0, rates, rates.Length), ActorRefs.NoSender);  // far ahead
        hidden.Tell(new Activity(2, 1, 0, 3, rates, rates.Length), ActorRefs.NoSender);  // a skipped step
        hidden.Tell(new Activity(7, 1, 0, 0, rates, rates.Length), ActorRefs.NoSender);  // not a source
        hidden.Tell(new Activity(2, 1, 0, 0, rates, 3), ActorRefs.NoSender);             // wrong length
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        hidden.Tell(new Activity(2, 1, 0, 0, rates, rates.Length), ActorRefs.NoSender);
        ExpectMsg<Activity>(a => a.Step == 1);
        hidden.Tell(new Activity(2, 1, 0, 0, rates, rates.Length), ActorRefs.NoSender);  // step 0 again
        hidden.Tell(new Activity(2, 1, 0, 1, rates, rates.Length), ActorRefs.NoSender);
        ExpectMsg<Activity>(a => a.Step == 2);
    }
}
