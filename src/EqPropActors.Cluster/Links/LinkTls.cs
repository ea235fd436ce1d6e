using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cluster.Links;

/// <summary>
/// Links over TLS with the cluster's own certificates (eqprop.tls): each side presents its node certificate and
/// accepts the other's only when it chains to the cluster's CA, as the Akka transport does (<see cref="ClusterTls"/>).
/// So a TLS cluster keeps the fast path, and a link's bytes are as private as the rest of the cluster's.
/// </summary>
public sealed record LinkTls(X509Certificate2 Certificate, X509Certificate2 Ca)
{
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificate = Certificate,
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => Accepts(certificate),
    };

    public SslClientAuthenticationOptions ClientOptions(string host) => new()
    {
        TargetHost = host, // not checked: a node is ours because our CA signed it, whatever its address
        ClientCertificates = [Certificate],
        RemoteCertificateValidationCallback = (_, certificate, _, _) => Accepts(certificate),
    };

    private bool Accepts(X509Certificate? certificate) =>
        certificate is not null && ClusterTls.ChainProblem(certificate as X509Certificate2 ?? new X509Certificate2(certificate), Ca) is null;
}
