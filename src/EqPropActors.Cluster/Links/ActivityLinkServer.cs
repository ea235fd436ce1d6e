using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Event;
using EqPropActors.Actors.Groups;
using EqPropActors.Cluster.Serialization;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// This node's link server: one reader thread per connected node, which decodes each frame and tells the local
/// group. A connection that does not start with the greeting of this build, names anything but a group of this
/// node, or sends an impossible length or anything but an activity is closed, with a warning in the log.
/// </summary>
internal sealed class ActivityLinkServer : IDisposable
{
    private const int Magic = 0x4B4C5145; // "EQLK"
    private const int MaxPathBytes = 2048;
    private static readonly string GroupsPrefix = GroupHost.Path + "/";

    private readonly ExtendedActorSystem _system;
    private readonly EngineMessageSerializer _serializer;
    private readonly TcpListener _listener;
    private readonly long _maxPayload;
    private readonly List<Socket> _connections = [];
    private volatile bool _disposed;

    public ActivityLinkServer(ExtendedActorSystem system, string bindHost, string publicHost, int port)
    {
        _system = system;
        _serializer = new EngineMessageSerializer(system);
        _maxPayload = system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size") ?? 128000;
        var address = IPAddress.TryParse(bindHost, out var ip) ? ip : Dns.GetHostAddresses(bindHost).First();
        _listener = new TcpListener(address, port);
        _listener.Start();
        Endpoint = $"{publicHost}:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        new Thread(Accept) { IsBackground = true, Name = "eqprop-link-accept" }.Start();
    }

    public string Endpoint { get; }

    /// <summary>What a client sends first: the magic number and the wire protocol version.</summary>
    public static byte[] Greeting()
    {
        var greeting = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(greeting, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(greeting.AsSpan(4), EngineMessageSerializer.ProtocolVersion);
        return greeting;
    }

    private void Accept()
    {
        while (!_disposed)
        {
            Socket socket;
            try
            {
                socket = _listener.AcceptSocket();
            }
            catch (Exception) when (_disposed)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            socket.NoDelay = true;
            lock (_connections)
                _connections.Add(socket);
            new Thread(() => Serve(socket)) { IsBackground = true, Name = "eqprop-link-reader" }.Start();
        }
    }

    private void Serve(Socket socket)
    {
        string peer = socket.RemoteEndPoint?.ToString() ?? "?";
        var targets = new Dictionary<string, IActorRef>();
        var header = new byte[8];
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            stream.ReadExactly(header);
            if (BinaryPrimitives.ReadInt32LittleEndian(header) != Magic || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)) != EngineMessageSerializer.ProtocolVersion)
                throw new InvalidDataException("it is not an activity link of this EqPropActors build (greeting or protocol version differs)");
            while (true)
            {
                if (stream.ReadAtLeast(header.AsSpan(0, 4), 4, throwOnEndOfStream: false) < 4)
                    return; // the other node closed the link
                int pathLength = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (pathLength is <= 0 or > MaxPathBytes)
                    throw new InvalidDataException($"a target path of {pathLength} bytes");
                var pathBytes = new byte[pathLength];
                stream.ReadExactly(pathBytes);
                stream.ReadExactly(header.AsSpan(0, 4));
                int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (payloadLength <= 0 || payloadLength > _maxPayload)
                    throw new InvalidDataException($"a payload of {payloadLength} bytes (at most {_maxPayload})");
                var payload = new byte[payloadLength];
                stream.ReadExactly(payload);
                string path = Encoding.UTF8.GetString(pathBytes);
                if (!targets.TryGetValue(path, out var target))
                    targets[path] = target = ResolveGroup(path);
                target.Tell(_serializer.FromBinary(payload, "act"), ActorRefs.NoSender);
            }
        }
        catch (Exception e) when (!_disposed)
        {
            if (e is not IOException { InnerException: SocketException })
                _system.Log.Warning("closed the activity link from {0}: {1}", peer, e.Message);
        }
        catch (Exception)
        {
            // shutting down
        }
        finally
        {
            lock (_connections)
                _connections.Remove(socket);
        }
    }

    /// <summary>Only group actors of this node are reachable through a link.</summary>
    private IActorRef ResolveGroup(string path)
    {
        var target = _system.Provider.ResolveActorRef(path);
        if (target is not IInternalActorRef { IsLocal: true } || target.IsNobody() || !target.Path.ToStringWithoutAddress().StartsWith(GroupsPrefix, StringComparison.Ordinal))
            throw new InvalidDataException($"the link names {path}, which is not a group actor of this node");
        return target;
    }

    public void Dispose()
    {
        _disposed = true;
        _listener.Stop();
        lock (_connections)
            foreach (var socket in _connections)
                socket.Dispose();
    }
}
