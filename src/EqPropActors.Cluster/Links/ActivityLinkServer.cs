using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Serialization;
using System.Security.Authentication;
using System.Text;
using Akka.Actor;
using EqPropActors.Actors.Groups;
using EqPropActors.Cluster.Serialization;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// This node's link server. A connection first has <see cref="LinkLimits.HandshakeTimeout"/> to prove that it
/// belongs to a run this node takes part in (<see cref="LinkHandshake"/>); until then it costs no thread and no
/// buffer, and it is closed before any frame is read when it fails. An authenticated connection gets one reader
/// thread, which decodes each frame and tells the local group. A frame that is well formed but does not fit (not a
/// group of this node, not a group-to-group message, a payload that does not decode) is dropped with a warning and
/// the link goes on; only a frame whose lengths are impossible closes the link, since nothing after it can be read.
/// Warnings are rate limited: a flood of bad connections cannot flood the log.
/// </summary>
internal sealed class ActivityLinkServer : IDisposable
{
    private static readonly string GroupsPrefix = GroupHost.Path + "/";

    private readonly ExtendedActorSystem _system;
    private readonly EngineMessageSerializer _serializer;
    private readonly Func<byte[], RunLinkKey?> _findKey;
    private readonly LinkTls? _tls;
    private readonly LinkLimits _limits;
    private readonly TcpListener _listener;
    private readonly LinkedList<Socket> _pending = [];
    private readonly HashSet<Socket> _authenticated = [];
    private readonly object _lock = new();
    private readonly RateLimitedWarning _refused, _dropped;
    private volatile bool _disposed;

    public ActivityLinkServer(ExtendedActorSystem system, string bindHost, string publicHost, int port, Func<byte[], RunLinkKey?> findKey, LinkTls? tls,
        LinkLimits limits)
    {
        _system = system;
        _serializer = new EngineMessageSerializer(system);
        _findKey = findKey;
        _tls = tls;
        _limits = limits;
        _refused = new RateLimitedWarning(system.Log, limits.WarningInterval);
        _dropped = new RateLimitedWarning(system.Log, limits.WarningInterval);
        var address = IPAddress.TryParse(bindHost, out var ip) ? ip : Dns.GetHostAddresses(bindHost).First();
        _listener = new TcpListener(address, port);
        _listener.Start();
        Endpoint = $"{publicHost}:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptAsync();
    }

    public string Endpoint { get; }

    /// <summary>Connections refused (failed handshake, over the limits) and frames dropped, for tests and diagnostics.</summary>
    public int RefusedConnections => _refused.Total;
    public int DroppedFrames => _dropped.Total;

    private async Task AcceptAsync()
    {
        while (!_disposed)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_disposed)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            Admit(socket);
        }
    }

    /// <summary>
    /// Takes a new connection into the handshake. Over the limit of authenticated links it is closed at once; when
    /// too many handshakes are open, the oldest is dropped, so idle connections cannot lock members out.
    /// </summary>
    private void Admit(Socket socket)
    {
        Socket? evicted = null;
        lock (_lock)
        {
            if (_authenticated.Count >= _limits.MaxConnections)
            {
                socket.Dispose();
                _refused.Warn($"refused an activity link connection from {Describe(socket)}: this node already has {_limits.MaxConnections} links");
                return;
            }
            _pending.AddLast(socket);
            if (_pending.Count > _limits.MaxPendingHandshakes)
            {
                evicted = _pending.First!.Value;
                _pending.RemoveFirst();
            }
        }
        if (evicted is not null)
        {
            evicted.Dispose();
            _refused.Warn($"closed an activity link connection that had not completed its handshake: more than {_limits.MaxPendingHandshakes} were open at once");
        }
        _ = HandshakeAsync(socket);
    }

    private async Task HandshakeAsync(Socket socket)
    {
        string peer = Describe(socket);
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        using var timeout = new CancellationTokenSource(_limits.HandshakeTimeout);
        RunLinkKey? key = null;
        string? failure = null;
        try
        {
            if (_tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(_tls.ServerOptions(), timeout.Token).ConfigureAwait(false);
            }
            var serverNonce = LinkHandshake.NewNonce();
            await stream.WriteAsync(serverNonce, timeout.Token).ConfigureAwait(false);
            var hello = new byte[LinkHandshake.ClientHelloBytes];
            await stream.ReadExactlyAsync(hello, timeout.Token).ConfigureAwait(false);
            if (LinkHandshake.ReadClientHello(hello) is not var (keyId, clientNonce, proof))
                failure = "it is not an activity link of this EqPropActors build (greeting or protocol version differs)";
            else if ((key = _findKey(keyId)) is null)
                failure = "it named a run this node takes no part in";
            else if (!LinkHandshake.Verify(key, "client", serverNonce, clientNonce, proof))
                failure = "it could not prove that it holds the run's key";
            else
                await stream.WriteAsync(LinkHandshake.Proof(key, "server", clientNonce, serverNonce), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            failure = $"it did not complete the handshake within {_limits.HandshakeTimeout.TotalSeconds:F0} s";
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or ObjectDisposedException)
        {
            failure = $"the handshake failed ({e.Message})";
        }
        lock (_lock)
        {
            bool wasPending = _pending.Remove(socket);
            if (failure is null && (!wasPending || _disposed || _authenticated.Count >= _limits.MaxConnections))
                failure = wasPending ? $"this node already has {_limits.MaxConnections} links" : "it was closed while it shook hands";
            if (failure is null)
                _authenticated.Add(socket);
        }
        if (failure is not null)
        {
            stream.Dispose();
            if (!_disposed)
                _refused.Warn($"refused an activity link connection from {peer}: {failure}");
            return;
        }
        new Thread(() => Serve(stream, socket, peer, key!)) { IsBackground = true, Name = "eqprop-link-reader" }.Start();
    }

    private void Serve(Stream stream, Socket socket, string peer, RunLinkKey key)
    {
        var targets = new Dictionary<string, IActorRef?>();
        var header = new byte[LinkFrame.MaxPathBytes];
        var payload = new byte[Math.Min(64 * 1024, key.MaxPayloadBytes)];
        try
        {
            using (stream)
            {
                while (true)
                {
                    if (stream.ReadAtLeast(header.AsSpan(0, 4), 4, throwOnEndOfStream: false) < 4)
                        return; // the other node closed the link
                    int pathLength = BinaryPrimitives.ReadInt32LittleEndian(header);
                    if (pathLength is <= 0 or > LinkFrame.MaxPathBytes)
                        throw new InvalidDataException($"a target path of {pathLength} bytes (at most {LinkFrame.MaxPathBytes})");
                    stream.ReadExactly(header.AsSpan(0, pathLength));
                    string path = Encoding.UTF8.GetString(header, 0, pathLength);
                    int manifestLength = stream.ReadByte();
                    if (manifestLength is <= 0 or > LinkFrame.MaxManifestBytes)
                        throw new InvalidDataException($"a manifest of {manifestLength} bytes");
                    stream.ReadExactly(header.AsSpan(0, manifestLength + 4));
                    string manifest = Encoding.ASCII.GetString(header, 0, manifestLength);
                    int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(manifestLength));
                    if (payloadLength <= 0 || payloadLength > key.MaxPayloadBytes)
                        throw new InvalidDataException($"a payload of {payloadLength} bytes (this run's largest message is {key.MaxPayloadBytes})");
                    ReadPayload(stream, ref payload, payloadLength);
                    Deliver(path, manifest, payload, payloadLength, targets, peer);
                }
            }
        }
        catch (Exception e) when (!_disposed)
        {
            if (e is not IOException { InnerException: SocketException })
                _refused.Warn($"closed the activity link from {peer}: {e.Message}");
        }
        catch (Exception)
        {
            // shutting down
        }
        finally
        {
            lock (_lock)
                _authenticated.Remove(socket);
        }
    }

    /// <summary>Reads a payload into the connection's buffer, which grows only as the bytes arrive: a declared length
    /// reserves nothing.</summary>
    private static void ReadPayload(Stream stream, ref byte[] buffer, int length)
    {
        int read = 0;
        while (read < length)
        {
            if (read == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            int got = stream.Read(buffer, read, Math.Min(buffer.Length, length) - read);
            if (got == 0)
                throw new EndOfStreamException($"the link closed in the middle of a frame ({read} of {length} payload bytes)");
            read += got;
        }
    }

    private void Deliver(string path, string manifest, byte[] payload, int length, Dictionary<string, IActorRef?> targets, string peer)
    {
        if (!LinkFrame.Manifests.Contains(manifest))
        {
            _dropped.Warn($"dropped a frame from {peer}: '{manifest}' is not a message groups send each other");
            return;
        }
        if (!targets.TryGetValue(path, out var target))
            targets[path] = target = ResolveGroup(path);
        if (target is null)
        {
            _dropped.Warn($"dropped a frame from {peer}: it names {path}, which is not a group actor of this node");
            return;
        }
        object message;
        try
        {
            message = _serializer.FromBinary(payload, length, manifest);
        }
        catch (SerializationException e)
        {
            _dropped.Warn($"dropped a frame from {peer}: {e.Message}");
            return;
        }
        target.Tell(message, ActorRefs.NoSender);
    }

    /// <summary>Only group actors of this node are reachable through a link; null for anything else.</summary>
    private IActorRef? ResolveGroup(string path)
    {
        IActorRef target;
        try
        {
            target = _system.Provider.ResolveActorRef(path);
        }
        catch (Exception)
        {
            return null;
        }
        return target is IInternalActorRef { IsLocal: true } && !target.IsNobody() && target.Path.ToStringWithoutAddress().StartsWith(GroupsPrefix, StringComparison.Ordinal)
            ? target
            : null;
    }

    private static string Describe(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (ObjectDisposedException)
        {
            return "?";
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Stop();
        lock (_lock)
        {
            foreach (var socket in _pending.Concat(_authenticated))
                socket.Dispose();
            _pending.Clear();
        }
    }
}
