using System.Net;
using System.Net.Sockets;
using Akka.Configuration;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// Whether the address a node is about to listen on is taken, checked before its actor system starts: when Akka.Remote
/// finds it taken itself, it logs an error with a stack trace on the console before the start fails, and the user sees
/// that ahead of our message.
/// </summary>
public static class ListenPortCheck
{
    /// <summary>True when something already listens on the configured host and port; false when it is free, when the
    /// port is 0 (any free one), or when the address cannot be tried here (then Akka's start reports the problem).</summary>
    public static bool IsInUse(Config config, out string host, out int port)
    {
        const string Tcp = "akka.remote.dot-netty.tcp";
        host = config.GetString($"{Tcp}.bind-hostname", "") is { Length: > 0 } bindHost ? bindHost : config.GetString($"{Tcp}.hostname", "");
        port = int.TryParse(config.GetString($"{Tcp}.bind-port", ""), out int bindPort) ? bindPort : config.GetInt($"{Tcp}.port", 0);
        if (port <= 0 || Address(host) is not { } address)
            return false;
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As Akka binds on Linux and macOS (tcp-reuse-addr): a port whose last connections linger in TIME_WAIT is free.
        if (!OperatingSystem.IsWindows())
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.AddressAlreadyInUse;
        }
    }

    private static IPAddress? Address(string host)
    {
        if (host.Length == 0)
            return null;
        if (IPAddress.TryParse(host, out var address))
            return address;
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? Dns.GetHostAddresses(host).FirstOrDefault();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
