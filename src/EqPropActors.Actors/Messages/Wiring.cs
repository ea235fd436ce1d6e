using Akka.Actor;

namespace EqPropActors.Actors.Messages;

/// <summary>Coordinator → group, once: the actors of every group, indexed by group id (null for the clamped input).</summary>
public sealed record Wire(IActorRef?[] GroupsById) : IEngineMessage;
