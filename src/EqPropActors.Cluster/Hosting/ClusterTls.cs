using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using EqPropActors.Core;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// Mutual TLS between the nodes (the <c>eqprop.tls</c> section). Akka's HOCON settings can only trust the machine's
/// root store, which would let in any node with any publicly trusted certificate; so the transport gets the node's
/// certificate and a validator in code (a <see cref="DotNettySslSetup"/>) that accepts a peer only when its
/// certificate chains to our CA. <c>akka.remote.dot-netty.tcp.enable-ssl</c> is set by <see cref="ClusterNodeConfig"/>.
/// </summary>
public static class ClusterTls
{
    /// <summary>
    /// The transport setup for a node, or null when TLS is off. <paramref name="warning"/> says when the node's own
    /// certificate does not chain to the CA (expired, or from another CA): the node starts, but others will refuse it.
    /// </summary>
    public static DotNettySslSetup? CreateSetup(Config config, string source, out string? warning)
    {
        warning = null;
        var settings = TlsSettings.FromConfig(config, source);
        if (!settings.Enabled)
            return null;
        var certificate = LoadNodeCertificate(settings, source);
        var ca = LoadCa(settings.CaCertificate, source);
        if (ChainProblem(certificate, ca) is { } problem)
            warning = $"{source}: this node's certificate {settings.Certificate} is not accepted by the CA {settings.CaCertificate}: " +
                $"{Refusal(certificate, ca) ?? problem}. The other nodes will refuse this one.";
        // Host names are not checked: a node is ours because our CA signed its certificate, whatever address it has.
        return new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false, customValidator: TrustOnly(ca));
    }

    /// <summary>The node's certificate and the CA for links over TLS (<see cref="Links.LinkTls"/>), or null when TLS is off.</summary>
    public static Links.LinkTls? LinkCredentials(Config config, string source)
    {
        var settings = TlsSettings.FromConfig(config, source);
        return settings.Enabled ? new Links.LinkTls(LoadNodeCertificate(settings, source), LoadCa(settings.CaCertificate, source)) : null;
    }

    /// <summary>Accepts a peer's certificate only when it chains to <paramref name="ca"/>; logs every refusal.</summary>
    public static CertificateValidationCallback TrustOnly(X509Certificate2 ca) => (certificate, _, peer, _, log) =>
    {
        if (certificate is null)
        {
            log.Error("TLS: refused {0}: it presented no certificate", peer);
            return false;
        }
        if (Refusal(certificate, ca) is not { } refusal)
            return true;
        log.Error("TLS: refused {0}: {1}", peer, refusal);
        return false;
    };

    /// <summary>
    /// Why <paramref name="certificate"/> is refused, or null when it chains to <paramref name="ca"/>. Both CAs are
    /// named with their key identifiers, which differ even where two CAs have the same name (sets made by eqprop certs
    /// before CA names were distinct).
    /// </summary>
    public static string? Refusal(X509Certificate2 certificate, X509Certificate2 ca) =>
        ChainProblem(certificate, ca) is { } problem
            ? $"its certificate {certificate.Subject} (issued by {certificate.Issuer}{KeyId(IssuerKeyIdentifier(certificate))}) does not chain to our CA " +
              $"{ca.Subject}{KeyId(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier)}: {problem}"
            : null;

    private static string? IssuerKeyIdentifier(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier is { } id ? Convert.ToHexString(id.Span) : null;

    private static string KeyId(string? hex) => hex is { Length: > 0 } ? $", key {hex[..Math.Min(16, hex.Length)].ToLowerInvariant()}" : "";

    /// <summary>Null when <paramref name="certificate"/> chains to <paramref name="ca"/> alone (the system's roots are ignored).</summary>
    public static string? ChainProblem(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        // Test clusters have no revocation list to ask; a compromised node is removed by issuing a new CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        bool built = chain.Build(certificate);
        if (built && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData))
            return null;
        var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).ToList();
        return reasons.Count > 0 ? string.Join("; ", reasons) : "the chain ends at another root";
    }

    private static X509Certificate2 LoadNodeCertificate(TlsSettings settings, string source)
    {
        string key = $"{TlsSettings.Section}.certificate";
        X509Certificate2 certificate;
        try
        {
            // Ephemeral: the private key stays in memory, never in the user's key store.
            certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.Certificate, settings.Password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"{source}: {key} '{settings.Certificate}' cannot be opened with the password from " +
                $"{settings.PasswordSource}: a wrong password, or not a PKCS#12 (.pfx) file ({e.Message.Trim()})");
        }
        if (!certificate.HasPrivateKey)
            throw new ConfigurationException($"{source}: {key} '{settings.Certificate}' holds a certificate ({certificate.Subject}) without its " +
                "private key; a node proves who it is with the key, so the .pfx must contain it (eqprop certs writes such files)");
        return certificate;
    }

    private static X509Certificate2 LoadCa(string path, string source)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new ConfigurationException($"{source}: {TlsSettings.Section}.ca-certificate '{path}' is not a certificate in PEM or DER form ({e.Message.Trim()})");
        }
    }
}
