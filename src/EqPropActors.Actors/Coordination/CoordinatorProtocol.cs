using EqPropActors.Actors.Messages;
using EqPropActors.Core.Engines;

namespace EqPropActors.Actors.Coordination;

/// <summary>Engine → coordinator: run the phase protocol of one minibatch; the reply is a <see cref="MinibatchReport"/>.</summary>
public sealed record RunMinibatch(Minibatch Batch, MinibatchPlan Plan, float Dt, float Tolerance) : IEngineMessage;

/// <summary>Coordinator → itself: a wait has lasted too long.</summary>
internal sealed record WaitTimedOut(long Minibatch, int Stage) : IEngineMessage;

/// <summary>The run cannot go on: a group failed, or an answer did not come in time. The message says which and where.</summary>
public sealed class EngineFailureException(string message) : Exception(message);
