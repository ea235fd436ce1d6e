using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Coordination;

/// <summary>Engine → coordinator: run the phase protocol of one minibatch; the reply is a <see cref="MinibatchReport"/>.</summary>
public sealed record RunMinibatch(Minibatch Batch, MinibatchPlan Plan, float Dt, float Tolerance) : IEngineMessage;

/// <summary>Engine → coordinator, once: the addresses of the groups (indexed by group id, null for the input) it runs;
/// the coordinator wires them to each other and watches them. Reply: <see cref="Done"/>.</summary>
public sealed record AttachGroups(NeighbourAddress?[] GroupsById) : IEngineMessage;

/// <summary>Engine → coordinator: hand every group its slice of these parameters. Reply: the groups' <see cref="Done"/>s.</summary>
public sealed record LoadAll(ParameterSet Weights, ParameterSet? Velocity) : IEngineMessage;

/// <summary>Engine → coordinator: gather every group's parameters of <paramref name="Kind"/> into one set. Reply:
/// a <see cref="GatheredParameters"/>.</summary>
public sealed record ExportAll(ParameterKind Kind) : IEngineMessage;

/// <summary><paramref name="Set"/> is null when no group holds parameters of that kind (velocities before momentum).</summary>
public sealed record GatheredParameters(ParameterSet? Set) : IEngineMessage;

/// <summary>Coordinator → itself: a wait has lasted too long.</summary>
internal sealed record WaitTimedOut(long Minibatch, int Stage) : IEngineMessage;

/// <summary>The run cannot go on: a group failed, or an answer did not come in time. The message says which and where.</summary>
public class EngineFailureException(string message) : Exception(message);
