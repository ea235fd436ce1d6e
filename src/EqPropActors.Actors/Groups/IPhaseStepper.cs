using Akka.Actor;
using EqPropActors.Actors.Messages;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// How a group relaxes during a phase: one implementation per schedule, chosen when the group is created
/// (<see cref="SyncStepper"/>, <see cref="AsyncStepper"/>). The group actor handles everything around a phase
/// (minibatches, the update, parameter transfers, which messages fit); the stepper only steps.
/// </summary>
internal interface IPhaseStepper
{
    /// <summary>The phase has started: the group's state is set; send the step-0 rates.</summary>
    void Start();

    /// <summary>The first steps may run: the constant drive is prepared and earlier-arrived activity is back in the mailbox.</summary>
    void Run();

    /// <summary>A neighbour's message of the running phase, from source <paramref name="source"/>, already checked
    /// to belong here (and, for an <see cref="Activity"/>, to hold the expected number of values).</summary>
    void Receive(IEngineMessage message, int source);

    /// <summary>The stepper's own messages (timers, ticks, the coordinator's end of phase); false when not one.</summary>
    bool ReceiveSignal(object message);
}

/// <summary>What a stepper asks of the group actor that runs it.</summary>
internal interface IStepperHost
{
    IActorRef Self { get; }

    /// <summary>The phase's steps are over: keep its end state and report it.</summary>
    void FinishPhase();

    /// <summary>Local phase control, output group: broadcast the end of the phase to every group and end it here.</summary>
    void EndPhaseEverywhere();

    /// <summary>A message that does not fit the protocol (see <see cref="NeighbourMessageGate"/>).</summary>
    void Reject(object message, string problem);

    /// <summary>Stops the run with <paramref name="reason"/>.</summary>
    void Fail(string reason);

    ICancelable ScheduleRepeatedly(TimeSpan interval, object message);
}
