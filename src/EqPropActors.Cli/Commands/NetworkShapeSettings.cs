using System.ComponentModel;
using EqPropActors.Core.Network;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary>Options naming the data and the network's shape and dynamics, shared by every command that builds a network.</summary>
public class NetworkShapeSettings : CommandSettings
{
    [CommandOption("--dataset <NAME>")]
    [Description("synthetic (embedded, nothing to download), fashion-mnist (apt-get install dataset-fashion-mnist) or mnist (needs --data). Default: synthetic")]
    public string Dataset { get; init; } = "synthetic";

    [CommandOption("--data <DIR>")]
    [Description("Folder with the IDX files (train-images-idx3-ubyte, optionally .gz, ...). Default for fashion-mnist: /usr/share/datasets/fashion-mnist")]
    public string? DataDirectory { get; init; }

    [CommandOption("--layers <SIZES>")]
    [Description("Layer sizes, input first: 784,500,10 or 784,512,512,512,10. Default: 784,500,10")]
    public string Layers { get; init; } = "784,500,10";

    [CommandOption("--activation <NAME>")]
    [Description("hard-sigmoid: ρ(s)=clip(s,0,1) (default); logistic: ρ(s)=1/(1+exp(-4(s-0.5)))")]
    public string Activation { get; init; } = "hard-sigmoid";

    [CommandOption("--rho-prime")]
    [Description("Use the EP-2017 dynamics ds/dt = ρ'(s)(Wρ+b) − s instead of the VF dynamics ds/dt = Wρ+b − s")]
    public bool RhoPrime { get; init; }

    public Activation ParseActivation() =>
        ModelSettings.ParseChoice(Activation, "--activation", ("hard-sigmoid", Core.Network.Activation.HardSigmoid), ("logistic", Core.Network.Activation.Logistic));

    public DynamicsForm Form => RhoPrime ? DynamicsForm.RhoPrime : DynamicsForm.Vf;
}
