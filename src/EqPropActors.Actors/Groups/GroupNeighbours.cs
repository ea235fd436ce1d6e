using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Transport;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Network;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The groups a group exchanges activity with: its sources (whose rates it integrates; the clamped input is not one)
/// and its targets (which integrate its rates). Neighbours are mutual, so the two sets name the same groups. The
/// channels to them come from the node's transport at wiring.
/// </summary>
internal sealed class GroupNeighbours
{
    private readonly int[] _sourceIndexById; // group id → index in Sources, −1 when not a source

    public GroupNeighbours(NeuronGroup group)
    {
        Sources = group.Incoming.Where(b => b.Source.Layer != 0).ToArray();
        _sourceIndexById = Enumerable.Repeat(-1, group.Network.Groups.Count).ToArray();
        for (int i = 0; i < Sources.Length; i++)
            _sourceIndexById[Sources[i].Source.Id] = i;
        TargetSpecs = group.Network.SourcesOf(group.Spec).Where(g => g.Layer > 0).ToArray();
    }

    /// <summary>Non-clamped incoming blocks, one per source group.</summary>
    public IncomingBlock[] Sources { get; }

    public GroupSpec[] TargetSpecs { get; }

    /// <summary>Channels to the targets, in the order of <see cref="TargetSpecs"/> (empty until wired).</summary>
    public INeighbourChannel[] Targets { get; private set; } = [];

    /// <summary>Channels to the sources, in the order of <see cref="Sources"/> (empty until wired).</summary>
    public INeighbourChannel[] SourceChannels { get; private set; } = [];

    public void Wire(Wire wire, INeighbourTransport transport, GroupSpec self)
    {
        INeighbourChannel ChannelTo(GroupSpec g) =>
            transport.ChannelTo(g.Id < wire.GroupsById.Length && wire.GroupsById[g.Id] is { } address
                ? address
                : throw new InvalidOperationException($"the wiring of {self.Name} names no actor for its neighbour {g.Name}"));
        Targets = TargetSpecs.Select(ChannelTo).ToArray();
        SourceChannels = Sources.Select(b => ChannelTo(b.Source)).ToArray();
    }

    /// <summary>The index of a source in <see cref="Sources"/>, or −1 when the group is not a source.</summary>
    public int TryIndexOf(int sourceId) => sourceId >= 0 && sourceId < _sourceIndexById.Length ? _sourceIndexById[sourceId] : -1;

    public int IndexOf(int sourceId, string receiver)
    {
        int index = TryIndexOf(sourceId);
        return index >= 0 ? index : throw new InvalidOperationException($"activity from group {sourceId}, which is not a source of {receiver}");
    }

    public string Describe(int source) =>
        $"{Sources[source].Source.Name} ({(source < SourceChannels.Length ? SourceChannels[source].Actor.Path.ToString() : "not wired")})";
}
