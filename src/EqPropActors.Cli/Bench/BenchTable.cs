using System.Globalization;
using Spectre.Console;

namespace EqPropActors.Cli.Bench;

/// <summary>The console form of a <see cref="BenchReport"/>: throughput side by side, then where the batch engine's time goes.</summary>
public static class BenchTable
{
    public static void Write(BenchReport report)
    {
        AnsiConsole.MarkupLineInterpolated($"CPU: {report.Cpu}");
        AnsiConsole.MarkupLineInterpolated($"Matrix multiply (512×512×512, our kernel, 1 thread): [bold]{report.MatmulGflops:F1} GFLOP/s[/]");
        if (report.Peer is { } peer)
            AnsiConsole.MarkupLineInterpolated($"Peer: {peer.Name} (torch {peer.Torch}, BLAS {peer.Blas}, {peer.Python}), measured in this run with the same configurations and threads");
        AnsiConsole.Write(Throughput(report));
        if (report.Rows.Any(row => row.TimeShares is not null))
        {
            AnsiConsole.MarkupLine("Where the time goes (batch engine, a separate profiled pass; bookkeeping is the rest: minibatch start, phase-end copies, the rule's postsynaptic factors, scoring):");
            AnsiConsole.Write(TimeShares(report));
        }
    }

    private static Table Throughput(BenchReport report)
    {
        bool peer = report.Peer is not null;
        bool messages = report.Rows.Any(row => row.MessagesPerSecond is > 0);
        var table = new Table().AddColumns("network", "T1", "T2", "batch", "engine", "samples/s", "s / 60k epoch", "GFLOP/s", "% of matmul",
            "time × batch (1 thread)");
        if (peer)
            table.AddColumn("× PyTorch (same threads)");
        if (messages)
            table.AddColumns("activity msgs/s", "activity MB/s");
        double? baseline = null;
        string? configuration = null;
        foreach (var row in report.Rows)
        {
            string key = $"{row.Network} {row.T1} {row.T2} {row.Batch}";
            if (key != configuration)
                (configuration, baseline) = (key, row.SamplesPerSecond); // the batch engine, 1 thread, comes first
            var cells = new List<string>
            {
                row.Network, Text(row.T1), Text(row.T2), Text(row.Batch), row.Label, Fixed(row.SamplesPerSecond, 0),
                Fixed(row.SecondsPerEpoch, 2), Fixed(row.Gflops, 1), Fixed(100 * row.Gflops / report.MatmulGflops, 0),
                Fixed(baseline!.Value / row.SamplesPerSecond, 2),
            };
            if (peer)
                cells.Add(row.RatioToPeer is { } ratio ? Fixed(ratio, 2) : "");
            if (messages)
            {
                cells.Add(row.MessagesPerSecond is > 0 ? Fixed(row.MessagesPerSecond.Value, 0) : "");
                cells.Add(row.MegabytesPerSecond is > 0 ? Fixed(row.MegabytesPerSecond.Value, 1) : "");
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }

    private static Table TimeShares(BenchReport report)
    {
        var table = new Table().AddColumns("network", "T1", "T2", "batch", "engine", "products %", "element-wise %", "residuals %", "bookkeeping %");
        foreach (var row in report.Rows)
            if (row.TimeShares is { } shares)
                table.AddRow(row.Network, Text(row.T1), Text(row.T2), Text(row.Batch), Markup.Escape(row.Label),
                    Fixed(100 * shares.Products, 1), Fixed(100 * shares.ElementWise, 1), Fixed(100 * shares.Residuals, 1), Fixed(100 * shares.Bookkeeping, 1));
        return table;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Fixed(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
