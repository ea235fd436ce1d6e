using System.Globalization;
using System.Text;
using System.Text.Json;
using EqPropActors.Core.Checkpoints;
using EqPropActors.Core.Training;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// runs.csv: one row per run of the study, read from the run folders (results.json, gradcheck.json), so that it is
/// the truth of the folders whenever it is written. Columns: condition, seed, the options that differ between
/// conditions, status (completed, diverged, interrupted, failed, pending) and reason, the metrics, run_dir.
/// Errors are fractions; angles in degrees (weight_angle_pairK: W_ff vs W_fbᵀ at the end; the gradient-check angles
/// of pair K are means over the check's minibatches at the final weights). A study whose spec sets
/// probe-gradient-every has the gradient probe's columns too, at each run's last probed epoch (<see cref="LastGradientProbe"/>).
/// </summary>
public static class RunsTable
{
    private static readonly string[] ResultMetrics =
        ["epochs", "val_error", "test_error", "train_error", "val_loss", "test_loss", "best_epoch", "best_val_error", "best_epoch_test_error"];

    private static readonly string[] GradcheckEstimators = ["one_sided", "centered", "trained", "theory"];

    /// <summary>What a run cost: messages and bytes between groups, their staleness, training seconds, messages lost on
    /// lossy channels and sample-phases that ended on stale views (async), then the means over the epochs of
    /// metrics.csv's <see cref="EpochMeans"/>.</summary>
    private static readonly string[] TrafficMetrics =
        ["messages", "bytes", "staleness", "seconds", "lost_messages", "stale_ended_phases", "free_steps", "nudged_steps", "fresh_residual"];

    /// <summary>From metrics.csv: the steps per free and nudged phase (they differ from T1 and T2 only with --T1/--T2
    /// auto), and the residual against fresh neighbour states (async only; empty otherwise).</summary>
    private static readonly string[] EpochMeans = ["free_steps", "nudged_steps", "fresh_residual"];

    public static void Write(StudyFolder study)
    {
        int pairs = study.Runs.Max(r => PairCount(r.Condition));
        var header = new List<string> { "condition", "seed" };
        header.AddRange(study.Spec.VariedOptions);
        header.AddRange(["status", "reason"]);
        header.AddRange(ResultMetrics);
        header.AddRange(Enumerable.Range(2, Math.Max(0, pairs - 1)).Select(k => $"weight_angle_pair{k}_deg"));
        if (study.Spec.Gradcheck)
            foreach (var estimator in GradcheckEstimators)
                header.AddRange(Enumerable.Range(1, pairs).Select(k => $"{estimator}_angle_pair{k}_deg"));
        if (Probed(study.Spec))
            header.AddRange(LastGradientProbe.Columns(pairs));
        header.AddRange(TrafficMetrics);
        header.Add("run_dir");

        var text = new StringBuilder();
        text.AppendLine(string.Join(',', header.Select(Cell)));
        foreach (var run in study.Runs)
            text.AppendLine(string.Join(',', Row(run, study, pairs).Select(Cell)));
        AtomicFile.WriteAllBytes(study.File(StudyFolder.RunsTableFile), Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static IEnumerable<string> Row(StudyRun run, StudyFolder study, int pairs)
    {
        var c = CultureInfo.InvariantCulture;
        var cells = new List<string> { run.Condition.Name, run.Seed.ToString(c) };
        using var config = OptionalJson.Read(run.File(RunDirectory.ConfigFile));
        cells.AddRange(study.Spec.VariedOptions.Select(name => run.Condition.Option(name) ?? Resolved(config, name)));

        using var results = OptionalJson.Read(run.File(RunDirectory.ResultsFile));
        if (results is null)
        {
            bool tried = File.Exists(run.LogFile);
            cells.AddRange([tried ? RunStatus.Failed : "pending", tried ? LastError(run.LogFile) : ""]);
            cells.AddRange(Enumerable.Repeat("", ResultMetrics.Length + Math.Max(0, pairs - 1)));
        }
        else
        {
            var root = results.RootElement;
            cells.Add(Text(root, "status"));
            cells.Add(Text(root, "reason"));
            cells.Add(Number(root, "epochs_completed"));
            cells.AddRange(ResultMetrics.Skip(1).Select(name => Number(root, name)));
            var angles = root.TryGetProperty("final_weight_angles_degrees", out var a) ? a.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [];
            cells.AddRange(Enumerable.Range(0, Math.Max(0, pairs - 1)).Select(i => i < angles.Length ? angles[i].ToString("R", c) : ""));
        }

        if (study.Spec.Gradcheck)
        {
            using var gradcheck = OptionalJson.Read(run.File(StudyRun.GradcheckFile));
            var rows = gradcheck?.RootElement.GetProperty("rows").EnumerateArray().ToArray() ?? [];
            foreach (var estimator in GradcheckEstimators)
                for (int pair = 1; pair <= pairs; pair++)
                {
                    var row = rows.FirstOrDefault(r => r.GetProperty("layer").GetInt32() == pair);
                    cells.Add(row.ValueKind == JsonValueKind.Object ? Number(row, $"{estimator}_angle_deg") : "");
                }
        }

        if (Probed(study.Spec))
            cells.AddRange(LastGradientProbe.Cells(run.File(RunDirectory.MetricsFile), pairs));

        if (results is null)
            cells.AddRange(Enumerable.Repeat("", TrafficMetrics.Length - EpochMeans.Length)); // those come from metrics.csv, below
        else
        {
            var root = results.RootElement;
            cells.AddRange([Number(root, "messages"), Number(root, "bytes"), Number(root, "mean_staleness"), Number(root, "train_seconds"),
                Number(root, "lost_messages"), Number(root, "stale_ended_phases")]);
        }
        cells.AddRange(MeansOverEpochs(run));
        cells.Add(run.RelativeDirectory.Replace('\\', '/'));
        return cells;
    }

    /// <summary>The value a run resolved for an option its condition left to the default (config.json spells it
    /// as the option), so that every row of a varied column says what the run used.</summary>
    private static string Resolved(JsonDocument? config, string option) =>
        config is null || !config.RootElement.TryGetProperty(option, out var value) ? "" : value.ValueKind switch
        {
            JsonValueKind.Null => "",
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(e => e.GetRawText())),
            _ => value.GetRawText(),
        };

    /// <summary>The mean over the run's epochs of each of metrics.csv's <see cref="EpochMeans"/> (empty when not recorded).</summary>
    private static string[] MeansOverEpochs(StudyRun run)
    {
        string path = run.File(RunDirectory.MetricsFile);
        var metrics = File.Exists(path) ? Report.RunMetricsTable.Read(path) : null;
        return EpochMeans.Select(column => metrics?.Column(column) is { Length: > 0 } values && values.All(double.IsFinite)
            ? values.Average().ToString("R", CultureInfo.InvariantCulture)
            : "").ToArray();
    }

    /// <summary>Whether any condition probes the gradient during training: decided by the spec rather than by the runs
    /// finished so far, so that runs.csv has the same columns from the study's first report to its last.</summary>
    private static bool Probed(StudySpec spec) =>
        spec.Conditions.Any(c => int.TryParse(c.Option("probe-gradient-every"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int every) && every > 0);

    private static int PairCount(StudyCondition condition) =>
        condition.Option("layers") is { } layers ? layers.Split(',').Length - 1 : 2; // eqprop train's default 784,500,10

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>The last "error:" line a run's processes printed: why a run that wrote no results.json failed.</summary>
    private static string LastError(string logFile) =>
        File.ReadLines(logFile).LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal))?["error:".Length..].Trim()
        ?? $"no results.json; see {logFile}";

    private static string Cell(string value) => Report.CsvRecords.Escape(value);
}
