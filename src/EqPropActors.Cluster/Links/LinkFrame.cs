using System.Buffers.Binary;
using System.Text;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// One message on a link: target path length (int32) and UTF-8 path, manifest length (one byte) and ASCII
/// manifest, payload length (int32) and payload in the engine's wire encoding; integers little-endian.
/// </summary>
internal static class LinkFrame
{
    public const int MaxPathBytes = 2048;
    public const int MaxManifestBytes = 16;

    /// <summary>The messages groups send each other: all of them take the link, so that each pair of groups has one
    /// ordered channel (the async schedule's end-of-phase markers rely on coming after the activity they close).</summary>
    public static readonly IReadOnlySet<string> Manifests = new HashSet<string>(StringComparer.Ordinal) { "act", "unch", "rest", "pend", "dw" };

    public static int Write(ref byte[] frame, byte[] path, string manifest, byte[] payload)
    {
        int length = 4 + path.Length + 1 + manifest.Length + 4 + payload.Length;
        if (frame.Length < length)
            frame = new byte[Math.Max(length, 2 * frame.Length)];
        var span = frame.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, path.Length);
        path.CopyTo(span[4..]);
        int at = 4 + path.Length;
        span[at++] = (byte)manifest.Length;
        at += Encoding.ASCII.GetBytes(manifest, span[at..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], payload.Length);
        payload.CopyTo(span[(at + 4)..]);
        return length;
    }
}
