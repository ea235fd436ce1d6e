using Akka.Actor;
using Akka.TestKit.Xunit2;
using EqPropActors.Actors.Coordination;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// Under the sync schedule the coordinator does not wait for the update, so in process a group may still read
/// minibatch m's input (its update does) when the coordinator starts m + 1: the input it hands out must not be
/// the array m's groups hold. The test plays the two groups of a 4-3-2 network.
/// </summary>
public sealed class CoordinatorInputTests : TestKit
{
    [Fact]
    public void ConsecutiveMinibatchesGetDifferentInputArrays()
    {
        var network = new NetworkSpec([4, 3, 2]);
        var hidden = CreateTestProbe();
        var output = CreateTestProbe();
        var coordinator = Sys.ActorOf(PhaseCoordinator.Props(network, 1, [0.1f, 0.1f], ScheduleSettings.Synchronous, TimeSpan.FromSeconds(10)));
        coordinator.Tell(new AttachGroups([null, NeighbourAddress.InProcess(hidden.Ref), NeighbourAddress.InProcess(output.Ref)]));
        ExpectMsg<Done>();
        hidden.ExpectMsg<Wire>();
        output.ExpectMsg<Wire>();

        var inputs = new List<float[]>();
        for (long m = 0; m < 3; m++)
        {
            var batch = new Minibatch(1, 16, 16) { Rows = 1 };
            batch.Inputs[0] = m + 1;
            batch.Targets[0] = 1f;
            var plan = MinibatchPlan.Training(1, 1, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f));
            coordinator.Tell(new RunMinibatch(batch, plan, 0.5f, 1e-3f));
            var start = hidden.ExpectMsg<StartMinibatch>();
            Assert.Equal(m + 1, start.InputRates[0]);
            inputs.Add(start.InputRates);
            output.ExpectMsg<StartMinibatch>();
            foreach (var (probe, id) in new[] { (hidden, 1), (output, 2) })
            {
                for (int phase = 0; phase < 2; phase++)
                    probe.ExpectMsg<StartPhase>();
                Assert.False(probe.ExpectMsg<ApplyRule>().Reply); // sync: nobody waits for the update
                for (int phase = 0; phase < 2; phase++)
                    coordinator.Tell(new PhaseDone(id, start.Minibatch, phase, [0f], id == 2 && phase == 0 ? new float[16] : null, null,
                        new GroupPhaseStatistics(1, 1, 4, 0, 0, 1)), probe.Ref);
            }
            ExpectMsg<MinibatchReport>();
        }
        // m + 1 must not overwrite what m's update reads (m + 2 may: every group has then begun m + 1).
        Assert.NotSame(inputs[0], inputs[1]);
        Assert.NotSame(inputs[1], inputs[2]);
    }
}
