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
/// Under the sync schedule the coordinator sends a minibatch's phases and its update at once; a group must still run
/// them in order, and a group that computes its neighbour's drive must not start before it holds that neighbour's
/// current synapses. The test plays the coordinator and the output group of a 4-40-2 network, whose drive the
/// 40-unit hidden group computes.
/// </summary>
public sealed class PlanSentAheadTests : TestKit
{
    private readonly NetworkSpec _network = new([4, 40, 2]);

    [Fact]
    public void NothingRunsBeforeTheDriveSynapsesArriveAndTheUpdateWaitsForEveryPhase()
    {
        var hidden = new NeuronGroup(_network, _network.GroupsOf(1)[0], maxRows: 1, learningRates: [0.1f, 0.1f]);
        var output = _network.GroupsOf(2)[0];
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, ScheduleSettings.Synchronous, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        actor.Tell(Wire.InProcess(null, actor, TestActor));
        actor.Tell(new StartMinibatch(1, 1, new float[16], [], null));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, 1, false), 0.5f, 1e-3f, ShareEndRates: false));
        actor.Tell(new StartPhase(1, 1, new Phase("nudged", PhaseSlot.Positive, 0.5f, 1, true), 0.5f, 1e-3f, ShareEndRates: false));
        actor.Tell(new ApplyRule(1, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f), IntoEstimate: false, Phases: 2, Reply: true));

        // Without the output's synapses the hidden group can neither send a drive nor, above all, skip to the update.
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        var weights = new float[40 * output.PaddedSize];
        var bias = new float[output.PaddedSize];
        bias[0] = 0.25f;
        actor.Tell(new DriveWeights(output.Id, 0, weights, bias));
        var drive = ExpectMsg<Activity>(a => a.PhaseIndex == 0 && a.Step == 0);
        Assert.Equal(output.PaddedSize, drive.Length); // the output's drive, not the 40 hidden rates
        Assert.Equal(0.25f, drive.Rates[0]);           // bias + ρ(hidden)·0

        // Phase 0 ends once the output's step-0 rates are in; phase 1 follows; only then the update.
        actor.Tell(new Activity(output.Id, 1, 0, 0, new float[output.PaddedSize], output.PaddedSize));
        Assert.Equal(0, ExpectMsg<PhaseDone>().PhaseIndex);
        ExpectMsg<Activity>(a => a.PhaseIndex == 1 && a.Step == 0);
        actor.Tell(new Activity(output.Id, 1, 1, 0, new float[output.PaddedSize], output.PaddedSize));
        Assert.Equal(1, ExpectMsg<PhaseDone>().PhaseIndex);
        ExpectMsg<RuleApplied>();
    }
}
