using EqPropActors.Actors.Messages;
using EqPropActors.Core.Engines;

namespace EqPropActors.Actors.Groups;

/// <summary>Where a group is in the run: its minibatch, its phase and step, and what it did in the phase so far.</summary>
internal sealed class PhaseProgress
{
    public long Minibatch { get; private set; } = -1;
    public int PhaseIndex { get; private set; } = -1;
    public Phase? Phase { get; private set; }
    public float Dt { get; private set; }
    public float Tolerance { get; private set; }

    /// <summary>Steps taken in this phase: the group's rates are those of step <see cref="Step"/>.</summary>
    public int Step { get; set; }

    /// <summary>The phase's steps are over and its end state is kept (a late message of the phase no longer fits).</summary>
    public bool StepsDone { get; set; }

    public int MessagesSent { get; set; }
    public int MessagesSuppressed { get; set; }
    public int MessagesLost { get; set; }
    public long BytesSent { get; set; }
    public long StalenessSum { get; set; }
    public long StalenessCount { get; set; }

    public Phase CurrentPhase => Phase ?? throw new InvalidOperationException("no phase is running");

    public void BeginMinibatch(long minibatch) => (Minibatch, PhaseIndex, Phase) = (minibatch, -1, null);

    public void BeginPhase(StartPhase start)
    {
        (PhaseIndex, Phase, Dt, Tolerance, Step, StepsDone) = (start.PhaseIndex, start.Phase, start.Dt, start.Tolerance, 0, false);
        (MessagesSent, MessagesSuppressed, MessagesLost, BytesSent, StalenessSum, StalenessCount) = (0, 0, 0, 0, 0, 0);
    }

    public bool IsCurrent(long minibatch, int phaseIndex) => minibatch == Minibatch && phaseIndex == PhaseIndex;

    /// <summary>A message of a minibatch or phase this group has not started yet (a neighbour was told first).</summary>
    public bool IsAhead(long minibatch, int phaseIndex) =>
        minibatch > Minibatch || (minibatch == Minibatch && phaseIndex > PhaseIndex);

    public GroupPhaseStatistics Statistics() =>
        new(Step, MessagesSent, BytesSent, MessagesSuppressed, StalenessSum, StalenessCount, MessagesLost);

    public string Describe() => $"minibatch {Minibatch}, {Phase?.Name ?? "(between phases)"} phase, step {Step}";
}
