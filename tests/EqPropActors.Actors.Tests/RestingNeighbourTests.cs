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
/// A resting neighbour frees a group from the lead bound only when its rest answers the group's latest activity. A
/// Resting marker that crossed that activity on the way means the neighbour is about to wake and integrate it at its
/// time; a group that ran on would let its clock outrun the effect of its own message. The test plays the output group
/// of a 4-3-2 network against the hidden group, whose rates keep changing for many steps.
/// </summary>
public sealed class RestingNeighbourTests : TestKit
{
    private const int MaxLead = 2;

    [Fact]
    public void ARestThatCrossedTheGroupsLatestActivityDoesNotLetItRunAhead()
    {
        var (actor, output, neighbour) = StartHiddenGroup();
        actor.Tell(new Activity(output.Id, 1, 0, 0, new float[output.PaddedSize], output.PaddedSize), neighbour.Ref);
        // Rested before it heard anything of the hidden group (HeardStep −1), so it will wake on the hidden group's activity.
        actor.Tell(new Resting(output.Id, 1, 0, RestCount: 1, HeardStep: -1), neighbour.Ref);

        int lastStep = LastStepSentWithin(neighbour, TimeSpan.FromSeconds(1));
        Assert.True(lastStep <= MaxLead + 1, $"the hidden group stepped to {lastStep} past a neighbour that had not heard it");

        // Each rest that answers the latest activity frees the group until it sends again: the neighbour would wake on
        // that (it does not here), so every acknowledgment lets it take one more step.
        for (int rest = 2; rest <= 4; rest++)
        {
            actor.Tell(new Resting(output.Id, 1, 0, RestCount: rest, HeardStep: lastStep), neighbour.Ref);
            int next = LastStepSentWithin(neighbour, TimeSpan.FromSeconds(1));
            Assert.Equal(lastStep + 1, next);
            lastStep = next;
        }
    }

    [Fact]
    public void ARestThatAnswersTheLatestActivityLetsTheGroupRunOn()
    {
        var (actor, output, neighbour) = StartHiddenGroup();
        actor.Tell(new Activity(output.Id, 1, 0, 0, new float[output.PaddedSize], output.PaddedSize), neighbour.Ref);
        actor.Tell(new Resting(output.Id, 1, 0, RestCount: 1, HeardStep: int.MaxValue), neighbour.Ref);

        int lastStep = LastStepSentWithin(neighbour, TimeSpan.FromSeconds(1));
        Assert.True(lastStep > 4 * MaxLead, $"a neighbour resting on everything it heard held the hidden group at step {lastStep}");
    }

    /// <summary>The highest step of the activity or markers the hidden group sent until it fell silent.</summary>
    private static int LastStepSentWithin(Akka.TestKit.TestProbe neighbour, TimeSpan quiet)
    {
        int last = -1;
        while (neighbour.ReceiveOne(quiet) is { } message)
            last = message switch
            {
                Activity a => Math.Max(last, a.Step),
                ActivityUnchanged u => Math.Max(last, u.Step),
                _ => last,
            };
        return last;
    }

    private (IActorRef Actor, GroupSpec Output, Akka.TestKit.TestProbe Neighbour) StartHiddenGroup()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var hidden = new NeuronGroup(network, network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        Array.Fill(hidden.Bias, 0.9f); // from zero towards 0.9 at dt 0.01: it moves by more than the tolerance for hundreds of steps
        var output = network.GroupsOf(2)[0];
        var schedule = new ScheduleSettings(ScheduleKind.Async, MaxLead: MaxLead);
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, schedule, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        var neighbour = CreateTestProbe();
        actor.Tell(Wire.InProcess(null, actor, neighbour.Ref));
        actor.Tell(new StartMinibatch(1, 1, new float[16], [], LayerStates: new float[hidden.Spec.Size]));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 400, false), 0.01f, 1e-4f, ShareEndRates: false));
        return (actor, output, neighbour);
    }
}
