using EqPropActors.Actors.Schedules;
using EqPropActors.Core;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Actors.Tests;

/// <summary>
/// A trace of the async schedule: every group records each step with its clock and the steps of the views it
/// integrated, and every activity it sent and received. The records must agree with each other and with the schedule:
/// one clock entry per recorded step, clocks rising within a phase and inside its budget, no view from the future,
/// every view one its source sent, and every activity sent received by each traced target (on a lossy channel, only
/// activity that was sent).
/// </summary>
public sealed class AsyncScheduleTraceTests
{
    private const float Dt = 0.5f;

    [Theory]
    [InlineData(0.0, 0.0, 1e-3f, 0.0)] // every group steps on its neighbours' newest activity, and rests when settled
    [InlineData(1.0, 0.5, 1e-3f, 0.0)] // activity arrives 2 to 3 steps late: views are stale
    [InlineData(0.5, 0.0, 1e-6f, 0.0)] // hardly anyone rests: the full budget
    [InlineData(0.0, 0.0, 1e-6f, 0.3)] // lossy channels: a lost activity is sent but never received
    public void ClocksViewsAndMessagesAreConsistent(double delay, double jitter, float tolerance, double dropProbability)
    {
        var fixture = new EngineFixture([20, 24, 40, 6], groupsPerHiddenLayer: 2);
        var plan = MinibatchPlan.Training(14, 5, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f), UpdateMode.None);
        var recorded = new GroupwiseTrace(fixture.Network.FreeGroups);
        using (var actors = new ActorEngine(fixture.Network, 8, fixture.LearningRates,
                   new ScheduleSettings(ScheduleKind.Async, Delay: delay, Jitter: jitter, Seed: 3, DropProbability: dropProbability), TimeSpan.FromSeconds(30), recorded))
        {
            actors.LoadParameters(fixture.Weights, null);
            actors.Run(fixture.Batches[0], plan, Dt, tolerance);
        }

        var sent = recorded.Groups.ToDictionary(g => g.Spec.Id, g => SentBy(g.Clock!));
        int received = recorded.Groups.Sum(g => g.Clock!.ReceivedCount);
        // Every free group's neighbours are free groups too (the input is clamped and sends nothing), and mutual.
        int delivered = recorded.Groups.Sum(g => g.Clock!.SentCount * g.Clock.SourceIds.Count(id => sent.ContainsKey(id)));
        if (dropProbability > 0)
            Assert.True(received < delivered, $"{received} activities received of {delivered} sent on channels that lose {dropProbability:P0}");
        else
            Assert.Equal(delivered, received);
        foreach (var group in recorded.Groups)
        {
            string name = group.Spec.Name;
            var clock = group.Clock ?? throw new Xunit.Sdk.XunitException($"{name} recorded no clock");
            Assert.True(group.Steps > 0, $"{name} took no step");
            Assert.Equal(group.Steps, clock.Steps);
            Assert.Equal(group.Steps * 8 * group.Units, group.States().Length);
            int sources = clock.SourceIds.Count;
            int[] clocks = clock.Clocks(), views = clock.ViewSteps();
            Assert.Equal(group.Steps * sources, views.Length);
            for (int s = 0; s < group.Steps; s++)
            {
                int phase = group.PhaseOf(s);
                Assert.Equal(clocks[s], group.ClockOf(s));
                Assert.InRange(clocks[s], 0, plan.Phases[phase].Steps - 1);
                if (s > 0 && group.PhaseOf(s - 1) == phase)
                    Assert.True(clocks[s] > clocks[s - 1], $"{name}: clock {clocks[s]} after {clocks[s - 1]} in phase {phase}");
                for (int i = 0; i < sources; i++)
                {
                    int view = views[s * sources + i], source = clock.SourceIds[i];
                    Assert.True(view <= clocks[s], $"{name} at clock {clocks[s]} integrated step {view} of group {source}: a view from the future");
                    if (sent.TryGetValue(source, out var ofSource))
                        Assert.True(ofSource.Contains((phase, view)), $"{name} at clock {clocks[s]} of phase {phase} integrated step {view} of group {source}, which it never sent");
                }
            }
            // A group sends the initial state (step 0) and then the state after a step: clock + 1.
            var after = Enumerable.Range(0, group.Steps).Select(s => (group.PhaseOf(s), group.ClockOf(s) + 1)).ToHashSet();
            Assert.All(sent[group.Spec.Id], message => Assert.True(message.Step == 0 || after.Contains(message),
                $"{name} sent step {message.Step} of phase {message.Phase}, which it did not take"));

            var arrivals = clock.ReceivedSources().Zip(clock.ReceivedPhases(), clock.ReceivedSteps())
                .Select(r => (Source: r.First, Phase: r.Second, Step: r.Third)).ToArray();
            foreach (int source in clock.SourceIds.Where(sent.ContainsKey))
            {
                var fromSource = arrivals.Where(r => r.Source == source).Select(r => (r.Phase, r.Step)).ToArray();
                if (dropProbability == 0)
                    Assert.Equal(sent[source].Order(), fromSource.Order());
                else
                    Assert.All(fromSource, r => Assert.Contains(r, sent[source]));
            }
        }
    }

    private static HashSet<(int Phase, int Step)> SentBy(GroupClockTrace clock) =>
        clock.SentPhases().Zip(clock.SentSteps()).ToHashSet();
}
