using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Dynamics;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// Builds group actors on the node it runs on, from a <see cref="GroupSetup"/>: the in-process engine has one, and
/// every worker of a cluster runs one at <see cref="Path"/>. The groups are its children, so a host that goes away
/// takes its groups with it and the coordinator, watching them, notices.
/// </summary>
public sealed class GroupHost : ReceiveActor
{
    public const string Name = "eqprop-host";
    public const string Path = "/user/" + Name;

    private readonly string _dispatcher;

    public GroupHost(string dispatcher)
    {
        _dispatcher = dispatcher;
        Receive<CreateGroup>(Create);
        Receive<RetireGroups>(retire =>
        {
            foreach (var child in Context.GetChildren())
                if (GenerationOf(child.Path.Name) < retire.Generation)
                    Context.Stop(child);
            Sender.Tell(new Done(-1));
        });
    }

    public static Props Props(string dispatcher) => Akka.Actor.Props.Create(() => new GroupHost(dispatcher));

    private void Create(CreateGroup create)
    {
        var setup = create.Setup;
        try
        {
            var network = setup.Network.ToSpec();
            if (setup.Group < 1 || setup.Group >= network.Groups.Count)
                throw new ArgumentException($"group {setup.Group} is not a free group of the {network.Describe()} network");
            var spec = network.Groups[setup.Group];
            var group = new NeuronGroup(network, spec, setup.MaxRows, setup.LearningRates);
            var actor = Context.ActorOf(NeuronGroupActor.Props(group, setup.Coordinator, setup.Schedule, _dispatcher), $"g{setup.Generation}-{spec.Name}");
            Sender.Tell(new GroupCreated(setup.Group, actor));
        }
        catch (Exception e) when (e is ArgumentException or InvalidActorNameException or Core.ConfigurationException)
        {
            Sender.Tell(new GroupFailed(setup.Group, $"host {Self.Path.Address} could not create group {setup.Group}: {e.Message}", Diverged: false));
        }
    }

    private static int GenerationOf(string childName) =>
        childName.Length > 1 && childName[0] == 'g' && int.TryParse(childName.AsSpan(1, childName.IndexOf('-') - 1), out int generation) ? generation : int.MaxValue;
}
