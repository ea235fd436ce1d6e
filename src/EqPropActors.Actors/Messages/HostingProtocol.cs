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
/// </summary>
public sealed record GroupSetup(NetworkDescription Network, int Group, int MaxRows, float[] LearningRates, ScheduleSettings Schedule,
    IActorRef Coordinator, int Generation, TimeSpan StallTimeout) : IEngineMessage;

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
