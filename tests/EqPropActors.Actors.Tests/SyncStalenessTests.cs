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
/// The staleness a group reports under the sync schedule is measured against what the group actually did: the test
/// plays the output group of a 4-6-6 network, hands the hidden group its input for each step one at a time, and for
/// every step the hidden group takes (seen from its next activity) notes how old the newest input it had been given
/// was. A group that stepped without waiting, or miscounted, reports something else than what is measured here.
/// </summary>
public sealed class SyncStalenessTests : TestKit
{
    private const int Steps = 6;
    private static readonly TimeSpan Withheld = TimeSpan.FromMilliseconds(40);
    private readonly NetworkSpec _network = new([4, 6, 6]); // no delegated drive: the output's padded size is not below 6

    [Fact]
    public void TheReportedStalenessIsTheAgeOfTheInputsEachStepUsed()
    {
        var hiddenSpec = _network.GroupsOf(1)[0];
        var output = _network.GroupsOf(2)[0];
        var hidden = new NeuronGroup(_network, hiddenSpec, maxRows: 1, learningRates: [0.1f, 0.1f]);
        var actor = Sys.ActorOf(NeuronGroupActor.Props(hidden, TestActor, ScheduleSettings.Synchronous, ActorMessageTransport.Instance, "akka.actor.default-dispatcher"));
        actor.Tell(Wire.InProcess(null, actor, TestActor));
        actor.Tell(new StartMinibatch(1, 1, new float[_network.GroupsOf(0)[0].PaddedSize], [], null));
        actor.Tell(new StartPhase(1, 0, new Phase("free", PhaseSlot.Free, 0f, Steps, false), 0.5f, 1e-3f, ShareEndRates: false));

        int newestGiven = -1;
        long measuredSum = 0, measuredCount = 0;
        for (int step = 0; step < Steps; step++)
        {
            var sent = ExpectMsg<Activity>(a => a.Source == hiddenSpec.Id);
            Assert.Equal(step, sent.Step);
            if (step > 0) // its activity of step s is out: it has taken step s − 1, with the newest input given so far
                (measuredSum, measuredCount) = (measuredSum + (step - 1 - newestGiven), measuredCount + 1);
            // Held back a moment: a group that does not wait for it would take its next step now.
            ExpectNoMsg(Withheld);
            actor.Tell(new Activity(output.Id, 1, 0, step, new float[output.PaddedSize], output.PaddedSize));
            newestGiven = step;
        }
        var done = ExpectMsg<PhaseDone>();
        (measuredSum, measuredCount) = (measuredSum + (Steps - 1 - newestGiven), measuredCount + 1);

        Assert.Equal(Steps, measuredCount);
        Assert.Equal(0, measuredSum); // the barrier: every step used the input of its own step
        Assert.Equal(measuredCount, done.Statistics.StalenessCount);
        Assert.Equal(measuredSum, done.Statistics.StalenessSum);
        Assert.Equal(0, done.Statistics.MessagesSuppressed);
    }
}
