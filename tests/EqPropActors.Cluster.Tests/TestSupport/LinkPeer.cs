using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using EqPropActors.Cluster.Links;

namespace EqPropActors.Cluster.Tests.TestSupport;

/// <summary>A raw client of a link server, to play the peers a server must cope with: strangers, liars and members.</summary>
internal static class LinkPeer
{
    public static Socket Connect(string endpoint, int receiveTimeoutMs = 10_000)
    {
        Assert.NotEqual("", endpoint);
        int colon = endpoint.LastIndexOf(':');
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = receiveTimeoutMs };
        socket.Connect(endpoint[..colon], int.Parse(endpoint[(colon + 1)..]));
        return socket;
    }

    /// <summary>Runs the client's half of the handshake with <paramref name="key"/>; true when the server proved it holds the key too.</summary>
    public static bool Authenticate(Socket socket, RunLinkKey key)
    {
        var serverNonce = ReadExactly(socket, LinkHandshake.NonceBytes);
        var clientNonce = LinkHandshake.NewNonce();
        socket.Send(LinkHandshake.ClientHello(key, serverNonce, clientNonce));
        var proof = ReadExactly(socket, LinkHandshake.MacBytes);
        return proof.Length == LinkHandshake.MacBytes && LinkHandshake.Verify(key, "server", clientNonce, serverNonce, proof);
    }

    /// <summary>What the link server accepted before links were authenticated: its magic number and protocol version.</summary>
    public static byte[] OldGreeting()
    {
        var greeting = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(greeting, LinkHandshake.Magic);
        BinaryPrimitives.WriteInt32LittleEndian(greeting.AsSpan(4), Serialization.EngineMessageSerializer.ProtocolVersion);
        return greeting;
    }

    public static byte[] Frame(string path, string manifest, byte[] payload)
    {
        var frame = Array.Empty<byte>();
        int length = LinkFrame.Write(ref frame, Encoding.UTF8.GetBytes(path), manifest, payload);
        return frame[..length];
    }

    /// <summary>The start of a frame that declares <paramref name="payloadLength"/> bytes and sends none of them.</summary>
    public static byte[] FrameHeader(string path, string manifest, int payloadLength)
    {
        var whole = Frame(path, manifest, [0]);
        BinaryPrimitives.WriteInt32LittleEndian(whole.AsSpan(whole.Length - 5), payloadLength);
        return whole[..^1];
    }

    /// <summary>True when the server closed the connection (or reset it) without sending anything more.</summary>
    public static bool IsClosedByPeer(Socket socket)
    {
        try
        {
            var buffer = new byte[64];
            while (true)
            {
                int read = socket.Receive(buffer);
                if (read == 0)
                    return true;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return false;
        }
    }

    private static byte[] ReadExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        int read = 0;
        while (read < count)
        {
            int got = socket.Receive(buffer, read, count - read, SocketFlags.None);
            if (got == 0)
                return buffer[..read];
            read += got;
        }
        return buffer;
    }
}
