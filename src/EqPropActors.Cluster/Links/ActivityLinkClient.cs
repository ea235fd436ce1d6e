using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using EqPropActors.Actors.Messages;
using EqPropActors.Cluster.Serialization;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// This node's end of the link to one other node: frames written on the sending group's thread, under a lock
/// (several groups of this node may send to that node). Frame: target path length and UTF-8 path, payload length
/// and payload (an <see cref="Activity"/> in the engine's wire encoding), lengths as little-endian int32.
/// </summary>
internal sealed class ActivityLinkClient(ExtendedActorSystem system, string endpoint) : IDisposable
{
    private readonly EngineMessageSerializer _serializer = new(system);
    private readonly Dictionary<ActorPath, byte[]> _paths = [];
    private readonly object _lock = new();
    private byte[] _frame = new byte[64 * 1024];
    private Socket? _socket;

    public void Send(ActorPath target, Activity activity)
    {
        var payload = _serializer.ToBinary(activity);
        lock (_lock)
        {
            if (!_paths.TryGetValue(target, out var path))
                _paths[target] = path = Encoding.UTF8.GetBytes(target.ToSerializationFormat());
            int length = 8 + path.Length + payload.Length;
            if (_frame.Length < length)
                _frame = new byte[Math.Max(length, 2 * _frame.Length)];
            BinaryPrimitives.WriteInt32LittleEndian(_frame, path.Length);
            path.CopyTo(_frame, 4);
            BinaryPrimitives.WriteInt32LittleEndian(_frame.AsSpan(4 + path.Length), payload.Length);
            payload.CopyTo(_frame, 8 + path.Length);
            try
            {
                var socket = _socket ??= Connect();
                for (int sent = 0; sent < length;)
                    sent += socket.Send(_frame, sent, length - sent, SocketFlags.None);
            }
            catch (SocketException e)
            {
                _socket?.Dispose();
                _socket = null; // a later deployment reconnects
                throw new IOException($"the activity link to {endpoint} failed: {e.Message}", e);
            }
        }
    }

    private Socket Connect()
    {
        int colon = endpoint.LastIndexOf(':');
        // A peer that stops reading must not block the sending group for ever: the send fails, and so the group.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = 30_000 };
        try
        {
            socket.Connect(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            socket.Send(ActivityLinkServer.Greeting());
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        lock (_lock)
            _socket?.Dispose();
    }
}
