using Akka.Configuration;
using EqPropActors.Core;
using ConfigurationException = EqPropActors.Core.ConfigurationException;

namespace EqPropActors.Cluster.Hosting;

/// <summary>
/// The <c>eqprop.tls</c> section of a node's configuration (see cluster-config/cluster-defaults.conf). Paths are as
/// <see cref="ClusterNodeConfig"/> left them: absolute when the configuration was loaded from a file.
/// </summary>
public sealed record TlsSettings(bool Enabled, string Certificate, string Password, string PasswordSource, string CaCertificate)
{
    public const string Section = "eqprop.tls";

    public static readonly TlsSettings Off = new(false, "", "", "", "");

    /// <summary>Reads the section and checks that the files it names exist (they are read by <see cref="ClusterTls"/>).</summary>
    public static TlsSettings FromConfig(Config config, string source)
    {
        var section = config.GetConfig(Section);
        if (section is null || section.IsEmpty || !section.GetBoolean("enabled", false))
            return Off;
        string certificate = ExistingFile(section, "certificate", source,
            "this node's certificate with its private key (.pfx); eqprop certs --out DIR writes one per node");
        string ca = ExistingFile(section, "ca-certificate", source,
            "the certificate of the CA that issued every node's certificate; eqprop certs --out DIR writes it as ca.crt");
        string variable = section.GetString("certificate-password-env", "");
        if (variable.Length == 0)
            return new TlsSettings(true, certificate, section.GetString("certificate-password", ""), $"{Section}.certificate-password", ca);
        string password = Environment.GetEnvironmentVariable(variable)
            ?? throw new ConfigurationException($"{source}: {Section}.certificate-password-env names the environment variable {variable}, " +
                $"which is not set: set it to the password of {certificate}, or remove the setting to use {Section}.certificate-password");
        return new TlsSettings(true, certificate, password, $"the environment variable {variable} ({Section}.certificate-password-env)", ca);
    }

    private static string ExistingFile(Config section, string key, string source, string what)
    {
        string path = section.GetString(key, "");
        if (path.Length == 0)
            throw new ConfigurationException($"{source}: {Section}.enabled is on but {Section}.{key} is empty: it must name {what}");
        if (!File.Exists(path))
            throw new ConfigurationException($"{source}: {Section}.{key} is '{path}', which does not exist: it must name {what}");
        return path;
    }
}
