using System.ComponentModel;
using EqPropActors.Cluster.Hosting;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

public sealed class CertsSettings : CommandSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Folder to write ca.crt and one NODE.pfx per node into, e.g. cluster-config/certs (must not hold them already)")]
    public string? Out { get; init; }

    [CommandOption("--nodes <LIST>")]
    [Description("Comma-separated node names, one certificate each. Default: coordinator,worker-1,worker-2")]
    public string? Nodes { get; init; }

    [CommandOption("--password <P>")]
    [Description("Password of the .pfx files (eqprop.tls.certificate-password or -env). Default: none")]
    public string Password { get; init; } = "";

    public override Spectre.Console.ValidationResult Validate() =>
        Out is null ? Spectre.Console.ValidationResult.Error("--out <DIR> is required: the folder to write the certificates into") : base.Validate();
}

/// <summary>
/// <c>eqprop certs</c>: a CA and one certificate per node for a test cluster with eqprop.tls, without openssl.
/// </summary>
public sealed class CertsCommand : Command<CertsSettings>
{
    public override int Execute(CommandContext context, CertsSettings settings, CancellationToken cancellation)
    {
        var nodes = settings.Nodes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [.. TestCertificates.DefaultNodes];
        var paths = TestCertificates.Generate(settings.Out!, nodes, settings.Password);
        Console.WriteLine($"CA certificate (every node's eqprop.tls.ca-certificate): {paths[0]}");
        foreach (string path in paths.Skip(1))
            Console.WriteLine($"node certificate and private key (eqprop.tls.certificate of one node): {path}");
        Console.WriteLine(settings.Password.Length == 0
            ? "The .pfx files have no password: keep them private, and copy to each machine only its own file and ca.crt."
            : "Give each node the password through eqprop.tls.certificate-password-env (e.g. EQPROP_TLS_PASSWORD) rather than in its file.");
        Console.WriteLine("The CA's private key was not kept: to add a node later, make a new set for all of them.");
        return ExitCodes.Success;
    }
}
