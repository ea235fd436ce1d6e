using System.Collections.Concurrent;
using Akka.Actor;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// Direct links for the synchronous step messages between groups on different nodes.
/// <para>
/// Every other message goes through Akka.Remote. But a step message there passes about five threads: the sending
/// group, the endpoint manager and writer actors, the transport's event loop, and then on the receiving side the
/// event loop, the endpoint reader and the group. On the 2-core test machine that measured about 0.2 ms per step,
/// and a sync minibatch has 24 steps in a row that each wait for one. A link is one TCP connection per pair of
/// nodes: the sending group writes the message (the same binary encoding, <see cref="Serialization.EngineMessageSerializer"/>)
/// on its own thread, and one reader thread on the receiving node hands it to the group's mailbox.
/// </para>
/// <para>
/// Only <see cref="Actors.Messages.Activity"/> travels on a link, and only to group actors of the receiving node.
/// Links are plain TCP on the node's Akka host name: with <c>eqprop.tls</c> on they are off and every message
/// keeps to the mutually authenticated Akka transport. <c>eqprop.cluster.activity-links = off</c> turns them off.
/// </para>
/// </summary>
public sealed class ActivityLinks : IExtension, IDisposable
{
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<Address, string> _endpointsByNode = new();
    private readonly ConcurrentDictionary<string, ActivityLinkClient> _clients = new();
    private ActivityLinkServer? _server;

    public ActivityLinks(ExtendedActorSystem system) => _system = system;

    public static ActivityLinks For(ActorSystem system) => system.WithExtension<ActivityLinks, ActivityLinksProvider>();

    /// <summary>Where other nodes reach this node's link server ("host:port"), or "" when links are off here.</summary>
    public string Endpoint => _server?.Endpoint ?? "";

    /// <summary>
    /// Starts this node's link server on <paramref name="bindHost"/> and <paramref name="port"/> (0: any free one);
    /// other nodes are told to connect to <paramref name="publicHost"/> (as with Akka's hostname and public-hostname).
    /// </summary>
    public void Listen(string bindHost, string publicHost, int port)
    {
        lock (_clients)
            _server ??= new ActivityLinkServer(_system, bindHost, publicHost, port);
    }

    /// <summary>Coordinator: the link endpoint of a worker node ("" for none), as the worker described itself.</summary>
    public void Register(Address node, string endpoint)
    {
        if (endpoint.Length > 0)
            _endpointsByNode[node] = endpoint;
        else
            _endpointsByNode.TryRemove(node, out _);
    }

    public string EndpointOf(Address node) => _endpointsByNode.TryGetValue(node, out var endpoint) ? endpoint : "";

    /// <summary>
    /// A reference through which step messages to <paramref name="target"/> take the link to <paramref name="endpoint"/>,
    /// or <paramref name="target"/> itself when there is no link to take (none offered, or the target is local).
    /// </summary>
    public IActorRef Route(IActorRef target, string endpoint)
    {
        if (endpoint.Length == 0 || _server is null || target is not IInternalActorRef { IsLocal: false } remote)
            return target;
        var client = _clients.GetOrAdd(endpoint, e => new ActivityLinkClient(_system, e));
        return new LinkedActorRef(remote, client, _system.Provider);
    }

    public void Dispose()
    {
        _server?.Dispose();
        foreach (var client in _clients.Values)
            client.Dispose();
    }
}

public sealed class ActivityLinksProvider : ExtensionIdProvider<ActivityLinks>
{
    public override ActivityLinks CreateExtension(ExtendedActorSystem system)
    {
        var links = new ActivityLinks(system);
        system.RegisterOnTermination(links.Dispose);
        return links;
    }
}
