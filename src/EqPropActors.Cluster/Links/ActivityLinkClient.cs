using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Cluster.Serialization;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// This node's end of the link to one other node for one run: frames (<see cref="LinkFrame"/>) written on the
/// sending group's thread, under a lock (several groups of this node may send to that node). The connection opens
/// with the run's challenge–response (<see cref="LinkHandshake"/>), over TLS when the cluster uses it.
/// </summary>
internal sealed class ActivityLinkClient(ExtendedActorSystem system, string endpoint, RunLinkKey key, LinkTls? tls) : IDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly EngineMessageSerializer _serializer = new(system);
    private readonly Dictionary<ActorPath, byte[]> _paths = [];
    private readonly object _lock = new();
    private byte[] _frame = new byte[64 * 1024];
    private Stream? _stream;

    public void Send(ActorPath target, IEngineMessage message)
    {
        string manifest = _serializer.Manifest(message);
        var payload = _serializer.ToBinary(message);
        lock (_lock)
        {
            if (!_paths.TryGetValue(target, out var path))
                _paths[target] = path = Encoding.UTF8.GetBytes(target.ToSerializationFormat());
            int length = LinkFrame.Write(ref _frame, path, manifest, payload);
            try
            {
                (_stream ??= Connect()).Write(_frame, 0, length);
            }
            catch (Exception e) when (e is IOException or SocketException or AuthenticationException)
            {
                _stream?.Dispose();
                _stream = null; // a later deployment reconnects
                throw new IOException($"the activity link to {endpoint} failed: {e.Message}", e);
            }
        }
    }

    private Stream Connect()
    {
        int colon = endpoint.LastIndexOf(':');
        string host = endpoint[..colon];
        // A peer that stops reading must not block the sending group for ever: the send fails, and so the group.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = 30_000, ReceiveTimeout = (int)HandshakeTimeout.TotalMilliseconds };
        Stream? stream = null;
        try
        {
            socket.Connect(host, int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                ssl.AuthenticateAsClient(tls.ClientOptions(host));
            }
            var serverNonce = new byte[LinkHandshake.NonceBytes];
            stream.ReadExactly(serverNonce);
            var clientNonce = LinkHandshake.NewNonce();
            stream.Write(LinkHandshake.ClientHello(key, serverNonce, clientNonce));
            var proof = new byte[LinkHandshake.MacBytes];
            stream.ReadExactly(proof);
            if (!LinkHandshake.Verify(key, "server", clientNonce, serverNonce, proof))
                throw new AuthenticationException($"the link server at {endpoint} could not prove that it belongs to this run");
            socket.ReceiveTimeout = 0; // the server never writes again; nothing is read from here on
            return stream;
        }
        catch (EndOfStreamException)
        {
            stream?.Dispose();
            socket.Dispose();
            throw new AuthenticationException($"the link server at {endpoint} refused this run's key (is it a node of this run, of the same build?)");
        }
        catch
        {
            if (stream is not null)
                stream.Dispose();
            else
                socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_lock)
            _stream?.Dispose();
    }
}
