using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using EqPropActors.Core;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// A throwaway CA and one certificate per node for eqprop.tls, made without openssl (eqprop certs, and the tests).
/// The CA's private key is never written: to add a node later, make a new set for every node.
/// </summary>
public static partial class TestCertificates
{
    public const string CaFile = "ca.crt";
    public static readonly IReadOnlyList<string> DefaultNodes = ["coordinator", "worker-1", "worker-2"];

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// Writes <see cref="CaFile"/> (PEM) and NODE.pfx for every node into <paramref name="directory"/>; refuses to
    /// overwrite a file. Returns the paths written.
    /// </summary>
    /// <param name="caName">The CA's common name; by default one no other set shares (<see cref="DistinctCaName"/>).</param>
    public static IReadOnlyList<string> Generate(string directory, IReadOnlyList<string> nodes, string password, string? caName = null)
    {
        CheckNames(nodes);
        var paths = new[] { CaFile }.Concat(nodes.Select(n => n + ".pfx")).Select(f => Path.Combine(directory, f)).ToList();
        if (paths.FirstOrDefault(File.Exists) is { } existing)
            throw new ConfigurationException($"{existing} already exists: certificates from a new CA would not be trusted by nodes that " +
                "have the old one; delete the old files or choose another folder");
        Directory.CreateDirectory(directory);
        // Nodes' clocks differ a little: valid from yesterday.
        var from = DateTimeOffset.UtcNow.AddDays(-1);
        var to = from.AddYears(2);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateCa(caName ?? DistinctCaName(DateTimeOffset.UtcNow), caKey, from, to);
        Write(paths[0], System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem() + "\n"), secret: false);
        for (int i = 0; i < nodes.Count; i++)
        {
            using var node = CreateNode(nodes[i], ca, from, to);
            Write(paths[i + 1], node.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password), secret: true);
        }
        return paths;
    }

    /// <summary>
    /// "EqPropActors cluster CA 2026-12-01 10:58:03Z 3fa9c1": when a node holds a certificate of an earlier set, the
    /// refusal names two different CAs rather than the same name twice. The random part tells apart two sets made in
    /// the same second.
    /// </summary>
    public static string DistinctCaName(DateTimeOffset created) =>
        $"EqPropActors cluster CA {created.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z {Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    private static X509Certificate2 CreateCa(string name, ECDsa key, DateTimeOffset from, DateTimeOffset to)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(from, to);
    }

    private static X509Certificate2 CreateNode(string name, X509Certificate2 ca, DateTimeOffset from, DateTimeOffset to)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        // Every node is both a TLS server (others connect to it) and a client (it connects to others).
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        using var publicOnly = request.Create(ca, from, to, serial);
        return publicOnly.CopyWithPrivateKey(key);
    }

    private static void CheckNames(IReadOnlyList<string> nodes)
    {
        if (nodes.Count == 0)
            throw new ConfigurationException("--nodes: name at least one node, e.g. coordinator,worker-1,worker-2");
        foreach (string name in nodes)
            if (!NodeName().IsMatch(name))
                throw new ConfigurationException($"--nodes: '{name}' is not a usable node name (letters, digits, '-' and '.', starting with a letter or digit); " +
                    "it names the file and goes into the certificate as a DNS name");
        if (nodes.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ConfigurationException($"--nodes: '{twice.Key}' is named twice");
    }

    private static void Write(string path, byte[] bytes, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        // A .pfx holds a private key: readable by its owner only (Windows inherits the folder's access list instead).
        if (secret && !OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$")]
    private static partial Regex NodeName();
}
