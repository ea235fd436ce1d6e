using Akka.Actor;
using EqPropActors.Actors.Schedules;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Messages;

/// <summary>
/// Everything a host needs to build one group actor: the network (rebuilt from its description, so every node
/// derives the same group geometry), the group, the rows per minibatch, the learning rates, the schedule and the
/// coordinator to report to. <paramref name="Generation"/> counts deployments of one run (a new one after a node
/// was lost), so that a host can retire the groups of earlier ones. <paramref name="StallTimeout"/>: how long a
/// synchronous group waits at one step before it names the neighbours it is waiting for and stops the run.
/// <paramref name="RecordSteps"/>: the group records every step it takes on its host (eqprop trace on the cluster), to
/// be read with <see cref="ReadStepRecord"/>.
/// </summary>
public sealed record GroupSetup(NetworkDescription Network, int Group, int MaxRows, float[] LearningRates, ScheduleSettings Schedule,
    IActorRef Coordinator, int Generation, TimeSpan StallTimeout, bool RecordSteps = false) : IEngineMessage;

/// <summary>The fields that define a <see cref="NetworkSpec"/>.</summary>
public sealed record NetworkDescription(int[] LayerSizes, Activation Activation, DynamicsForm Form, int GroupsPerHiddenLayer)
{
    public static NetworkDescription Of(NetworkSpec network) =>
        new(network.LayerSizes.ToArray(), network.Activation, network.Form, network.GroupsPerHiddenLayer);

    public NetworkSpec ToSpec() => new(LayerSizes, Activation, Form, GroupsPerHiddenLayer);
}

/// <summary>Engine → host: create the group actor of <paramref name="Setup"/>; the reply is <see cref="GroupCreated"/>
/// (or <see cref="GroupFailed"/> when the setup is invalid).</summary>
public sealed record CreateGroup(GroupSetup Setup) : IEngineMessage;

public sealed record GroupCreated(int Group, IActorRef Actor) : IEngineMessage;

/// <summary>Engine → host: stop the group actors of deployments before <paramref name="Generation"/> (all of them:
/// <see cref="int.MaxValue"/>). Reply: <see cref="Done"/>.</summary>
public sealed record RetireGroups(int Generation) : IEngineMessage;

/// <summary>
/// Engine → host: chunk <paramref name="Chunk"/> of the step record group <paramref name="Group"/> of deployment
/// <paramref name="Generation"/> kept there (created with <see cref="GroupSetup.RecordSteps"/>), in chunks of at most
/// <paramref name="ChunkBytes"/> bytes so that each reply fits the transport's frame. The engine asks for one chunk at
/// a time, and each reply names its chunk, so a lost or repeated one cannot go unnoticed. Reply:
/// <see cref="StepRecordChunk"/>, or <see cref="GroupFailed"/> when the host keeps no such record.
/// </summary>
public sealed record ReadStepRecord(int Group, int Generation, int Chunk, int ChunkBytes) : IEngineMessage;

/// <summary>Chunk <paramref name="Chunk"/> of <paramref name="Chunks"/> of a group's encoded step record
/// (<see cref="Core.Tracing.GroupTraceTransfer"/>).</summary>
public sealed record StepRecordChunk(int Group, int Chunk, int Chunks, byte[] Bytes) : IEngineMessage;
