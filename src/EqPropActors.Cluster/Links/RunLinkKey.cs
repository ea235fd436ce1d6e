using System.Security.Cryptography;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// The secret that makes a link connection part of one run: the coordinator draws it when its engine starts and
/// hands it to the workers over the cluster (<see cref="Messages.OpenLinks"/>), so only members that were told can
/// open a link. <paramref name="Id"/> names the key in the greeting (the secret itself never crosses a link);
/// <paramref name="MaxPayloadBytes"/> is the run's largest group-to-group message, the most a link server will
/// buffer for one frame.
/// </summary>
public sealed record RunLinkKey(byte[] Id, byte[] Secret, int MaxPayloadBytes)
{
    public const int IdBytes = 16;
    public const int SecretBytes = 32;

    public static RunLinkKey Create(int maxPayloadBytes) =>
        new(RandomNumberGenerator.GetBytes(IdBytes), RandomNumberGenerator.GetBytes(SecretBytes), maxPayloadBytes);

    public string IdText => Convert.ToHexString(Id);
}
