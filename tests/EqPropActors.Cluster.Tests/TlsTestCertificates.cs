using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// A temporary folder with our CA and two node certificates (coordinator.pfx, worker.pfx), and under other/ a second
/// CA with a certificate (rogue.pfx) that ours must refuse; written by the same code as eqprop certs.
/// </summary>
internal sealed class TlsTestCertificates : IDisposable
{
    public const string Password = "test-password";

    public TlsTestCertificates()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"eqprop-tls-{Guid.NewGuid():N}");
        TestCertificates.Generate(Folder, ["coordinator", "worker"], Password);
        TestCertificates.Generate(Path.Combine(Folder, "other"), ["rogue"], Password); // named as eqprop certs names it
    }

    public string Folder { get; }
    public string Ca => Path.Combine(Folder, TestCertificates.CaFile);
    public string Coordinator => Path.Combine(Folder, "coordinator.pfx");
    public string Worker => Path.Combine(Folder, "worker.pfx");
    public string OtherCa => Path.Combine(Folder, "other", TestCertificates.CaFile);
    public string Rogue => Path.Combine(Folder, "other", "rogue.pfx");

    /// <summary>An eqprop.tls section; paths as HOCON strings (forward slashes need no escaping).</summary>
    public static string Section(string certificate, string ca, string password = Password) => $$"""
        eqprop.tls {
          enabled = on
          certificate = "{{certificate.Replace('\\', '/')}}"
          certificate-password = "{{password}}"
          ca-certificate = "{{ca.Replace('\\', '/')}}"
        }
        """;

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
