using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Akka.Event;
using EqPropActors.Cluster.Hosting;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Tests;

/// <summary>eqprop.tls in a node's configuration: what it turns on, and the errors that name the file and the key.</summary>
public sealed class TlsConfigTests : IDisposable
{
    private const string Source = "node.conf";
    private readonly TlsTestCertificates _certs = new();

    private static Config Compose(string hocon, string? directory = null) =>
        ClusterNodeConfig.Compose(ConfigurationFactory.ParseString(hocon), Source, NodeRole.Worker, directory: directory);

    private static ConfigurationException Refused(Action action) => Assert.Throws<ConfigurationException>(action);

    private static void AssertNames(ConfigurationException e, params string[] parts)
    {
        foreach (string part in parts)
            Assert.True(e.Message.Contains(part, StringComparison.Ordinal), $"'{part}' is missing from: {e.Message}");
    }

    [Fact]
    public void Off_ByDefault_NoSslAndNoSetup()
    {
        var config = Compose("akka.cluster.seed-nodes = [\"akka.tcp://eqprop@127.0.0.1:4053\"]");
        Assert.False(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false));
        Assert.Null(ClusterTls.CreateSetup(config, Source, out _));
    }

    [Fact]
    public void On_EnablesSsl_ResolvesRelativePathsAgainstTheFilesFolder_AndBuildsTheSetup()
    {
        string file = Path.Combine(_certs.Folder, "worker.conf");
        File.WriteAllText(file, TlsTestCertificates.Section("worker.pfx", "ca.crt"));
        var config = ClusterNodeConfig.Load(file, NodeRole.Worker, seedNodes: ["127.0.0.1:4055"]);

        Assert.True(config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false));
        Assert.Equal(["akka.ssl.tcp://eqprop@127.0.0.1:4055"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(_certs.Worker, config.GetString("eqprop.tls.certificate"));
        Assert.NotNull(ClusterTls.CreateSetup(config, file, out string? warning));
        Assert.Null(warning);
    }

    [Fact]
    public void MissingCertificateFile_NamesTheFileAndTheKey()
    {
        var e = Refused(() => Compose(TlsTestCertificates.Section("missing.pfx", _certs.Ca), _certs.Folder));
        AssertNames(e, Source, "eqprop.tls.certificate", Path.Combine(_certs.Folder, "missing.pfx"), "does not exist");
    }

    [Fact]
    public void MissingCaFile_NamesTheFileAndTheKey()
    {
        var e = Refused(() => Compose(TlsTestCertificates.Section(_certs.Worker, "missing-ca.crt"), _certs.Folder));
        AssertNames(e, Source, "eqprop.tls.ca-certificate", Path.Combine(_certs.Folder, "missing-ca.crt"), "does not exist");
    }

    [Fact]
    public void EmptyCertificate_WithTlsOn_IsAnError()
    {
        var e = Refused(() => Compose("eqprop.tls { enabled = on, ca-certificate = \"ca.crt\" }", _certs.Folder));
        AssertNames(e, Source, "eqprop.tls.certificate is empty");
    }

    [Fact]
    public void WrongPassword_NamesTheFileTheKeyAndWhereThePasswordCameFrom()
    {
        var config = Compose(TlsTestCertificates.Section(_certs.Worker, _certs.Ca, password: "not-the-password"));
        var e = Refused(() => ClusterTls.CreateSetup(config, Source, out _));
        AssertNames(e, Source, "eqprop.tls.certificate", _certs.Worker, "wrong password", "eqprop.tls.certificate-password");
    }

    [Fact]
    public void CertificateWithoutPrivateKey_IsRefused()
    {
        using var withKey = X509CertificateLoader.LoadPkcs12FromFile(_certs.Worker, TlsTestCertificates.Password, X509KeyStorageFlags.EphemeralKeySet);
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        string path = Path.Combine(_certs.Folder, "public-only.pfx");
        File.WriteAllBytes(path, publicOnly.Export(X509ContentType.Pfx, TlsTestCertificates.Password));
        var config = Compose(TlsTestCertificates.Section(path, _certs.Ca));
        var e = Refused(() => ClusterTls.CreateSetup(config, Source, out _));
        AssertNames(e, Source, "eqprop.tls.certificate", path, "without its private key");
    }

    [Fact]
    public void CaFileThatIsNoCertificate_IsRefused()
    {
        string path = Path.Combine(_certs.Folder, "not-a-ca.crt");
        File.WriteAllText(path, "hello");
        var config = Compose(TlsTestCertificates.Section(_certs.Worker, path));
        var e = Refused(() => ClusterTls.CreateSetup(config, Source, out _));
        AssertNames(e, Source, "eqprop.tls.ca-certificate", path);
    }

    [Fact]
    public void PasswordFromEnvironmentVariable()
    {
        string variable = $"EQPROP_TEST_TLS_PASSWORD_{Guid.NewGuid():N}";
        string hocon = TlsTestCertificates.Section(_certs.Worker, _certs.Ca, password: "ignored") + $"\neqprop.tls.certificate-password-env = {variable}";

        var unset = Refused(() => Compose(hocon));
        AssertNames(unset, Source, "eqprop.tls.certificate-password-env", variable, "not set");

        Environment.SetEnvironmentVariable(variable, TlsTestCertificates.Password);
        try
        {
            Assert.NotNull(ClusterTls.CreateSetup(Compose(hocon), Source, out _));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void TlsOn_WithAnAkkaTcpSeedInTheFile_IsRefused()
    {
        string hocon = TlsTestCertificates.Section(_certs.Worker, _certs.Ca) + "\nakka.cluster.seed-nodes = [\"akka.tcp://eqprop@127.0.0.1:4055\"]";
        var e = Refused(() => Compose(hocon));
        AssertNames(e, Source, "akka.cluster.seed-nodes", "akka.tcp://eqprop@127.0.0.1:4055", "eqprop.tls.enabled is on", "akka.ssl.tcp://");
    }

    [Fact]
    public void TlsOff_WithAnAkkaSslTcpSeedInTheFile_IsRefused()
    {
        var e = Refused(() => Compose("akka.cluster.seed-nodes = [\"akka.ssl.tcp://eqprop@127.0.0.1:4055\"]"));
        AssertNames(e, Source, "akka.cluster.seed-nodes", "eqprop.tls.enabled is off");
    }

    [Fact]
    public void SeedAddress_UsesTheSchemeOfTheTransport()
    {
        Assert.Equal("akka.tcp://eqprop@10.0.0.1:4053", ClusterNodeConfig.SeedAddress("10.0.0.1:4053"));
        Assert.Equal("akka.ssl.tcp://eqprop@10.0.0.1:4055", ClusterNodeConfig.SeedAddress("10.0.0.1:4055", tls: true));
        Assert.Equal("akka.ssl.tcp://eqprop@h:4055", ClusterNodeConfig.SeedAddress("akka.ssl.tcp://eqprop@h:4055", tls: true));
        Refused(() => ClusterNodeConfig.SeedAddress("akka.tcp://eqprop@h:4055", tls: true));
    }

    [Fact]
    public void OwnCertificateFromAnotherCa_StartsWithAWarning()
    {
        var config = Compose(TlsTestCertificates.Section(_certs.Rogue, _certs.Ca));
        Assert.NotNull(ClusterTls.CreateSetup(config, Source, out string? warning));
        Assert.NotNull(warning);
        Assert.Contains("The other nodes will refuse this one", warning);
    }

    [Fact]
    public void Validator_AcceptsOurCaOnly()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(_certs.Ca);
        using var ours = X509CertificateLoader.LoadPkcs12FromFile(_certs.Worker, TlsTestCertificates.Password, X509KeyStorageFlags.EphemeralKeySet);
        using var theirs = X509CertificateLoader.LoadPkcs12FromFile(_certs.Rogue, TlsTestCertificates.Password, X509KeyStorageFlags.EphemeralKeySet);
        using var theirCa = X509CertificateLoader.LoadCertificateFromFile(_certs.OtherCa);
        var validate = ClusterTls.TrustOnly(ca);

        Assert.True(validate(ours, null, "peer", System.Net.Security.SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(validate(theirs, null, "peer", System.Net.Security.SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(validate(theirCa, null, "peer", System.Net.Security.SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(validate(null, null, "peer", System.Net.Security.SslPolicyErrors.None, NoLogger.Instance));
    }

    [Fact]
    public void TwoSetsHaveDistinctCas_AndARefusalNamesBoth()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(_certs.Ca);
        using var theirCa = X509CertificateLoader.LoadCertificateFromFile(_certs.OtherCa);
        using var theirs = X509CertificateLoader.LoadPkcs12FromFile(_certs.Rogue, TlsTestCertificates.Password, X509KeyStorageFlags.EphemeralKeySet);
        Assert.NotEqual(ca.Subject, theirCa.Subject);
        Assert.StartsWith("CN=EqPropActors cluster CA ", ca.Subject);

        string? refusal = ClusterTls.Refusal(theirs, ca);

        Assert.NotNull(refusal);
        Assert.Contains($"issued by {theirCa.Subject}", refusal);
        Assert.Contains($"our CA {ca.Subject}", refusal);
        Assert.Null(ClusterTls.Refusal(theirs, theirCa));
    }

    [Fact]
    public void ARefusalTellsApartTwoCasOfTheSameName()
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(_certs.Ca);
        string folder = Path.Combine(_certs.Folder, "same-name");
        TestCertificates.Generate(folder, ["late"], "", caName: ca.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
        using var late = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(folder, "late.pfx"), "", X509KeyStorageFlags.EphemeralKeySet);
        Assert.Equal(ca.Subject, late.Issuer);

        string refusal = ClusterTls.Refusal(late, ca)!;

        var keys = System.Text.RegularExpressions.Regex.Matches(refusal, "key ([0-9a-f]+)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, keys.Count);
        Assert.NotEqual(keys[0], keys[1]);
    }

    [Fact]
    public void Generator_WritesServerAndClientCertificates_AndRefusesToOverwrite()
    {
        using var node = X509CertificateLoader.LoadPkcs12FromFile(_certs.Worker, TlsTestCertificates.Password, X509KeyStorageFlags.EphemeralKeySet);
        var usages = node.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
        using var key = node.GetECDsaPublicKey();
        Assert.Equal(256, key?.KeySize);
        var names = node.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("worker", names.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.DoesNotContain(Directory.EnumerateFiles(_certs.Folder), f => f.EndsWith(".key", StringComparison.Ordinal));

        var e = Refused(() => TestCertificates.Generate(_certs.Folder, ["worker-9"], ""));
        AssertNames(e, _certs.Ca, "already exists");
    }

    public void Dispose() => _certs.Dispose();
}
