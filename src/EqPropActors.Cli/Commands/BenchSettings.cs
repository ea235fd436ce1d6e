using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EqPropActors.Cli.Commands;

/// <summary>The options of <c>eqprop bench</c>.</summary>
public sealed class BenchSettings : CommandSettings
{
    [CommandOption("--engine <ENGINE>")]
    [Description("batch (default); actors: also the actor engine (sync schedule, 1 and 4 groups per hidden layer); cluster: also the cluster engine with a coordinator (this process) and 2 worker processes on 127.0.0.1 — each next to the batch engine in the same run")]
    public string Engine { get; init; } = "batch";

    [CommandOption("--tls")]
    [Description("With --engine cluster: the nodes talk over TLS (eqprop.tls, throwaway certificates in a temporary folder), the activity links included")]
    public bool Tls { get; init; }

    [CommandOption("--seconds <S>")]
    [Description("Measuring time per configuration, after warm-up. Default: 3")]
    public double Seconds { get; init; } = 3;

    [CommandOption("--threads <N>")]
    [Description("1 or 2: the batch engine is measured single-threaded and, with 2, also with the large products split over two cores. Default: 2")]
    public int Threads { get; init; } = 2;

    [CommandOption("--rule <RULE>")]
    [Description("vf (default) or ep")]
    public string Rule { get; init; } = "vf";

    [CommandOption("--batch <SIZES>")]
    [Description("Only the configurations with these batch sizes, comma-separated (e.g. 100). Default: all")]
    public string? Batch { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object (cpu, matmul_gflops, rows) on stdout instead of the tables; progress goes to stderr. Not with --engine cluster")]
    public bool Json { get; init; }

    [CommandOption("--peer <PEER>")]
    [Description("pytorch: also run bench/peers/pytorch_vfep.py (the same algorithm in PyTorch) on the same configurations and threads, side by side. Needs Python with torch: $EQPROP_PYTHON, python3 or /usr/bin/python3 (apt-get install -y python3-torch libopenblas0-pthread)")]
    public string? Peer { get; init; }

    public override ValidationResult Validate() =>
        BadBatchSize() is { } bad ? ValidationResult.Error($"--batch: '{bad}' is not a positive batch size (expected e.g. 20,100)")
        : Tls && Engine != "cluster" ? ValidationResult.Error($"--tls applies to --engine cluster only (got --engine {Engine})")
        : Json && Engine == "cluster" ? ValidationResult.Error("--json does not cover --engine cluster (its step profile is a table only): use --engine batch or actors")
        : Peer is not null && Peer != "pytorch" ? ValidationResult.Error($"--peer: '{Peer}' is not a known peer (expected pytorch)")
        : Peer is not null && Rule != "vf" ? ValidationResult.Error("--peer pytorch implements the VF rule only: use --rule vf")
        : Threads is < 1 or > 2 ? ValidationResult.Error($"--threads must be 1 or 2, got {Threads}")
        : !(Seconds > 0) ? ValidationResult.Error($"--seconds must be positive, got {Seconds}")
        : ValidationResult.Success();

    /// <summary>The sizes --batch names (validated), or null for all.</summary>
    public IReadOnlySet<int>? BatchSizes => Batch is null ? null : BatchTexts().Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToHashSet();

    private string[] BatchTexts() => (Batch ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string? BadBatchSize() =>
        BatchTexts().FirstOrDefault(size => !int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int rows) || rows < 1);
}
