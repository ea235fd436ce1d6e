using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Transport;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;

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
    private readonly INeighbourTransport _transport;
    private readonly IGroupStepRecorder? _recorder;
    private readonly Dictionary<IActorRef, int> _generationOf = [];
    private readonly Dictionary<(int Group, int Generation), HostedStepRecord> _records = [];
    private long _created;

    /// <param name="transport">How the groups of this node reach their neighbours.</param>
    /// <param name="recorder">Watches every step of the groups made here (the in-process engine's trace), or null.</param>
    public GroupHost(string dispatcher, INeighbourTransport transport, IGroupStepRecorder? recorder = null)
    {
        (_dispatcher, _transport, _recorder) = (dispatcher, transport, recorder);
        Receive<CreateGroup>(Create);
        Receive<RetireGroups>(retire =>
        {
            foreach (var (child, generation) in _generationOf.Where(c => c.Value < retire.Generation).ToArray())
            {
                Context.Stop(child);
                _generationOf.Remove(child);
            }
            foreach (var key in _records.Keys.Where(k => k.Generation < retire.Generation).ToArray())
                _records.Remove(key);
            Sender.Tell(new Done(-1));
        });
        Receive<ReadStepRecord>(ReadRecord);
    }

    public static Props Props(string dispatcher, INeighbourTransport transport, IGroupStepRecorder? recorder = null) =>
        Akka.Actor.Props.Create(() => new GroupHost(dispatcher, transport, recorder));

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
            var recorder = _recorder;
            if (setup.RecordSteps)
                recorder = _records[(setup.Group, setup.Generation)] = new HostedStepRecord(spec);
            // Names never repeat: a stopped group's name stays taken until it has terminated.
            var actor = Context.ActorOf(NeuronGroupActor.Props(group, setup.Coordinator, setup.Schedule, _transport, _dispatcher, setup.StallTimeout, recorder), $"{spec.Name}-{++_created}");
            _generationOf[actor] = setup.Generation;
            Sender.Tell(new GroupCreated(setup.Group, actor));
        }
        catch (Exception e) when (e is ArgumentException or InvalidActorNameException or Core.ConfigurationException)
        {
            Sender.Tell(new GroupFailed(setup.Group, $"host {Self.Path.Address} could not create group {setup.Group}: {e.Message}", Diverged: false));
        }
    }

    private void ReadRecord(ReadStepRecord read)
    {
        if (!_records.TryGetValue((read.Group, read.Generation), out var record))
        {
            Sender.Tell(new GroupFailed(read.Group, $"host {Self.Path.Address} keeps no step record of group {read.Group} of deployment {read.Generation}: " +
                "was it created with RecordSteps, and not retired since?", Diverged: false));
            return;
        }
        try
        {
            var (bytes, chunks) = record.Chunk(read.Chunk, read.ChunkBytes);
            Sender.Tell(new StepRecordChunk(read.Group, read.Chunk, chunks, bytes));
        }
        catch (ArgumentOutOfRangeException e)
        {
            Sender.Tell(new GroupFailed(read.Group, $"host {Self.Path.Address}: {e.Message}", Diverged: false));
        }
    }
}
