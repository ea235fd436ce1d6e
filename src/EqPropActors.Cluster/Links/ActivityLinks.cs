using System.Collections.Concurrent;
using Akka.Actor;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// Direct links for the messages between groups on different nodes.
/// <para>
/// Every other message goes through Akka.Remote. But a step message there passes about five threads: the sending
/// group, the endpoint manager and writer actors, the transport's event loop, and then on the receiving side the
/// event loop, the endpoint reader and the group. On the 2-core test machine that measured about 0.2 ms per step,
/// and a sync minibatch has 24 steps in a row that each wait for one. A link is one TCP connection per pair of
/// nodes: the sending group writes the message (the same binary encoding, <see cref="Serialization.EngineMessageSerializer"/>)
/// on its own thread, and one reader thread on the receiving node hands it to the group's mailbox. Every message
/// from one group to another takes the link (<see cref="LinkFrame.Manifests"/>), so each pair of groups has one
/// ordered channel.
/// </para>
/// <para>
/// Only members of the run can use a link: the coordinator draws a <see cref="RunLinkKey"/> per run and hands it
/// to the workers with <see cref="Messages.OpenLinks"/>; every connection proves it holds the key
/// (<see cref="LinkHandshake"/>). A node opens its link server only then, so the coordinator, which hosts no
/// groups, never listens. With <c>eqprop.tls</c> on, links run over TLS with the cluster's certificates.
/// <c>eqprop.cluster.activity-links = off</c> turns them off.
/// </para>
/// </summary>
public sealed class ActivityLinks : IExtension, IDisposable
{
    private const int KeysKept = 4; // a worker serves one run at a time; a few keys cover runs that overlap at a hand-over

    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<Address, string> _endpointsByNode = new();
    private readonly ConcurrentDictionary<(string Endpoint, string KeyId), ActivityLinkClient> _clients = new();
    private readonly List<RunLinkKey> _keys = [];
    private LinkServerSettings? _serverSettings;
    private ActivityLinkServer? _server;

    public ActivityLinks(ExtendedActorSystem system) => _system = system;

    public static ActivityLinks For(ActorSystem system) => system.WithExtension<ActivityLinks, ActivityLinksProvider>();

    /// <summary>Where other nodes reach this node's link server ("host:port"), or "" when it has not opened one.</summary>
    public string Endpoint => _server?.Endpoint ?? "";

    /// <summary>The link server, once open (for diagnostics and tests).</summary>
    internal ActivityLinkServer? Server => _server;

    /// <summary>Allows this node to open a link server when a run asks for one (see <see cref="Open"/>).</summary>
    public void Enable(LinkServerSettings settings)
    {
        lock (_keys)
            _serverSettings = settings;
    }

    /// <summary>
    /// Worker: takes part in the run of <paramref name="key"/>; opens the link server if it is not open yet.
    /// Returns its endpoint, or "" when links are off on this node.
    /// </summary>
    public string Open(RunLinkKey key)
    {
        lock (_keys)
        {
            if (_serverSettings is not { } settings)
                return "";
            _server ??= new ActivityLinkServer(_system, settings.BindHost, settings.PublicHost, settings.Port, FindKey, settings.Tls, settings.Limits);
            if (!_keys.Any(k => k.Id.AsSpan().SequenceEqual(key.Id)))
                _keys.Add(key);
            if (_keys.Count > KeysKept)
                _keys.RemoveAt(0);
            return _server.Endpoint;
        }
    }

    private RunLinkKey? FindKey(byte[] id)
    {
        lock (_keys)
            return _keys.FirstOrDefault(k => k.Id.AsSpan().SequenceEqual(id));
    }

    /// <summary>Coordinator: the link endpoint of a worker node for this run ("" for none).</summary>
    public void Register(Address node, string endpoint)
    {
        if (endpoint.Length > 0)
            _endpointsByNode[node] = endpoint;
        else
            _endpointsByNode.TryRemove(node, out _);
    }

    public string EndpointOf(Address node) => _endpointsByNode.TryGetValue(node, out var endpoint) ? endpoint : "";

    /// <summary>
    /// The link client to <paramref name="endpoint"/> for a message to <paramref name="target"/>, or null when there
    /// is no link to take (none offered, links off here, or the target is local). The newest run key this node was
    /// given opens the link.
    /// </summary>
    internal ActivityLinkClient? ClientFor(IActorRef target, string endpoint)
    {
        RunLinkKey? key;
        LinkTls? tls;
        lock (_keys)
            (key, tls) = (_keys.LastOrDefault(), _serverSettings?.Tls);
        if (endpoint.Length == 0 || key is null || _server is null || target is not IInternalActorRef { IsLocal: false })
            return null;
        return _clients.GetOrAdd((endpoint, key.IdText), _ => new ActivityLinkClient(_system, endpoint, key, tls));
    }

    public void Dispose()
    {
        _server?.Dispose();
        foreach (var client in _clients.Values)
            client.Dispose();
    }
}

/// <summary>Where a node's link server listens (as Akka's hostname and public-hostname), and how.</summary>
public sealed record LinkServerSettings(string BindHost, string PublicHost, int Port, LinkTls? Tls, LinkLimits Limits);

public sealed class ActivityLinksProvider : ExtensionIdProvider<ActivityLinks>
{
    public override ActivityLinks CreateExtension(ExtendedActorSystem system)
    {
        var links = new ActivityLinks(system);
        system.RegisterOnTermination(links.Dispose);
        return links;
    }
}
