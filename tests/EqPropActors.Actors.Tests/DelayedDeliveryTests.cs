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
/// Under a transmission delay, activity is delivered at its arrival time, also when its sender has come to rest by
/// then: a neighbour's last state must reach the group. The test plays the output group (it sends rates that grow
/// step by step, then rests) and the coordinator of a 4-3-2 network whose hidden group sums the output's rates.
/// </summary>
public sealed class DelayedDeliveryTests : TestKit
{
    [Fact]
    public void TheLastActivityOfARestingNeighbourArrivesAfterTheDelay()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var hidden = new NeuronGroup(network, network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var output = network.GroupsOf(2)[0];
        var feedback = hidden.Incoming.Single(b => b.Source.Id == output.Id);
        for (int j = 0; j < hidden.Spec.Size; j++)
            feedback.Weights[0 * hidden.Stride + j] = 1f; // s_j → ρ(output unit 0) at the fixed point
        var schedule = new ScheduleSettings(ScheduleKind.Async, Delay: 1.5); // 3 steps of dt 0.5
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, schedule, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        var neighbour = CreateTestProbe();
        actor.Tell(Wire.InProcess(null, actor, neighbour.Ref));
        actor.Tell(new StartMinibatch(1, 1, new float[16], [], LayerStates: new float[hidden.Spec.Size]));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 400, false), 0.5f, 1e-4f, ShareEndRates: false));

        // The output's state climbs 0, 0.1, ..., 0.5 over six steps and then rests there.
        for (int step = 0; step <= 5; step++)
        {
            var rates = new float[output.PaddedSize];
            rates[0] = 0.1f * step;
            actor.Tell(new Activity(output.Id, 1, 0, step, rates, rates.Length), neighbour.Ref);
        }
        actor.Tell(new Resting(output.Id, 1, 0, RestCount: 1, HeardStep: int.MaxValue), neighbour.Ref);

        // The hidden group settles and says so; the coordinator then ends the phase.
        FishForMessage<GroupStatus>(status => status.Resting && status.SeenRestCounts[output.Id] == 1, TimeSpan.FromSeconds(10));
        actor.Tell(new EndPhase(1, 0));
        var done = FishForMessage<PhaseDone>(_ => true, TimeSpan.FromSeconds(10));
        Assert.All(done.FreeStates!, s => Assert.Equal(0.5f, s, 0.005f)); // not 0.2: the last three steps did arrive
    }
}
