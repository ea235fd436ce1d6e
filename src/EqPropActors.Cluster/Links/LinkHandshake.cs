using System.Buffers.Binary;
using System.Security.Cryptography;
using EqPropActors.Cluster.Serialization;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// The challenge–response that opens a link, so that only members of the run can use one:
/// <list type="number">
/// <item>server → client: a fresh 16-byte nonce;</item>
/// <item>client → server: magic, wire protocol version, the run key's id, the client's nonce, and
/// HMAC-SHA256(secret, "client" ‖ server nonce ‖ client nonce);</item>
/// <item>server → client: HMAC-SHA256(secret, "server" ‖ client nonce ‖ server nonce).</item>
/// </list>
/// Each side proves it holds the run's secret without sending it, over nonces the other side chose, so a recorded
/// greeting cannot be replayed. The server answers only a proof it checked, so nothing it writes helps a guesser.
/// </summary>
internal static class LinkHandshake
{
    public const int Magic = 0x4B4C5145; // "EQLK"
    public const int NonceBytes = 16;
    public const int MacBytes = 32;
    public const int ClientHelloBytes = 4 + 4 + RunLinkKey.IdBytes + NonceBytes + MacBytes;

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    public static byte[] ClientHello(RunLinkKey key, byte[] serverNonce, byte[] clientNonce)
    {
        var hello = new byte[ClientHelloBytes];
        BinaryPrimitives.WriteInt32LittleEndian(hello, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(hello.AsSpan(4), EngineMessageSerializer.ProtocolVersion);
        key.Id.CopyTo(hello, 8);
        clientNonce.CopyTo(hello, 8 + RunLinkKey.IdBytes);
        Proof(key, "client", serverNonce, clientNonce).CopyTo(hello, 8 + RunLinkKey.IdBytes + NonceBytes);
        return hello;
    }

    /// <summary>What a client's hello says, once its magic and version were checked (null: not a link of this build).</summary>
    public static (byte[] KeyId, byte[] ClientNonce, byte[] Proof)? ReadClientHello(ReadOnlySpan<byte> hello)
    {
        if (BinaryPrimitives.ReadInt32LittleEndian(hello) != Magic || BinaryPrimitives.ReadInt32LittleEndian(hello[4..]) != EngineMessageSerializer.ProtocolVersion)
            return null;
        var rest = hello[8..];
        return (rest[..RunLinkKey.IdBytes].ToArray(), rest.Slice(RunLinkKey.IdBytes, NonceBytes).ToArray(), rest.Slice(RunLinkKey.IdBytes + NonceBytes, MacBytes).ToArray());
    }

    public static byte[] Proof(RunLinkKey key, string role, byte[] theirNonce, byte[] ourNonce)
    {
        var message = new byte[role.Length + 2 * NonceBytes];
        System.Text.Encoding.ASCII.GetBytes(role, message);
        theirNonce.CopyTo(message, role.Length);
        ourNonce.CopyTo(message, role.Length + NonceBytes);
        return HMACSHA256.HashData(key.Secret, message);
    }

    public static bool Verify(RunLinkKey key, string role, byte[] theirNonce, byte[] ourNonce, byte[] proof) =>
        CryptographicOperations.FixedTimeEquals(Proof(key, role, theirNonce, ourNonce), proof);
}
