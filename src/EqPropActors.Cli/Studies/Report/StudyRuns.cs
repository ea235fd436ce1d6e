using System.Globalization;

namespace EqPropActors.Cli.Studies.Report;

public enum StudyRunStatus
{
    Completed,
    Diverged,
    Interrupted,
    Failed,
    Pending,
}

/// <summary>One row of runs.csv: a condition at one seed. <see cref="Metrics"/> holds the cells with a finite number.</summary>
public sealed record StudyRunRow(
    string Condition,
    int Seed,
    IReadOnlyDictionary<string, string> Options,
    StudyRunStatus Status,
    string Reason,
    IReadOnlyDictionary<string, double> Metrics,
    string RunDirectory);

/// <summary>
/// runs.csv of a study folder, written by the study runner. The contract:
/// <list type="bullet">
/// <item>a header line; comma-separated (RFC 4180 quoting), invariant culture; an empty cell is a missing value;</item>
/// <item>columns in order: <c>condition</c>, <c>seed</c>, one column per varied option (named by the option, e.g.
/// <c>delay</c>, values kept as strings), <c>status</c> (completed | diverged | interrupted | failed | pending),
/// <c>reason</c> (free text), then the metric columns (every column between <c>reason</c> and <c>run_dir</c>, e.g.
/// <c>epochs,val_error,test_error,...,seconds</c>; error columns are fractions), then <c>run_dir</c> (relative to the
/// study folder; the run's metrics.csv is there).</item>
/// </list>
/// A metric cell that is empty or not finite (NaN, ∞) counts as "no value".
/// </summary>
public sealed record StudyRunsTable(IReadOnlyList<string> OptionNames, IReadOnlyList<string> MetricNames, IReadOnlyList<StudyRunRow> Runs)
{
    public const string FileName = "runs.csv";

    public static StudyRunsTable Read(string path) => Parse(File.ReadAllText(path), path);

    public static StudyRunsTable Parse(string text, string path)
    {
        var records = CsvRecords.Parse(text, path);
        if (records.Count == 0)
            throw new InvalidDataException($"{path}: empty; expected a header line");
        var header = records[0];
        int status = Array.IndexOf(header, "status"), reason = Array.IndexOf(header, "reason"), runDir = Array.IndexOf(header, "run_dir");
        if (header.Length < 5 || header[0] != "condition" || header[1] != "seed" || status < 2 || reason != status + 1 || runDir != header.Length - 1)
            throw new InvalidDataException(
                $"{path}: the header must be condition,seed,<options...>,status,reason,<metrics...>,run_dir; it is {string.Join(',', header)}");
        var optionNames = header[2..status];
        var metricNames = header[(reason + 1)..runDir];

        var runs = new List<StudyRunRow>();
        var seen = new HashSet<(string, int)>();
        for (int r = 1; r < records.Count; r++)
        {
            var cells = records[r];
            string where = $"{path}: record {r + 1}";
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{where} has {cells.Length} fields, the header {header.Length}");
            if (!int.TryParse(cells[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed))
                throw new InvalidDataException($"{where}: seed '{cells[1]}' is not an integer");
            // Pairing by seed needs one run per condition and seed.
            if (!seen.Add((cells[0], seed)))
                throw new InvalidDataException($"{where}: condition '{cells[0]}' has seed {seed} twice");
            var metrics = new Dictionary<string, double>();
            for (int m = 0; m < metricNames.Length; m++)
            {
                string cell = cells[reason + 1 + m];
                if (cell.Length == 0)
                    continue;
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    throw new InvalidDataException($"{where}: {metricNames[m]} '{cell}' is not a number");
                if (double.IsFinite(value))
                    metrics[metricNames[m]] = value;
            }
            runs.Add(new StudyRunRow(
                cells[0],
                seed,
                optionNames.Select((name, o) => (name, value: cells[2 + o])).ToDictionary(p => p.name, p => p.value),
                ParseStatus(cells[status], where),
                cells[reason],
                metrics,
                cells[runDir]));
        }
        return new StudyRunsTable(optionNames, metricNames, runs);
    }

    private static StudyRunStatus ParseStatus(string cell, string where) => cell switch
    {
        "completed" => StudyRunStatus.Completed,
        "diverged" => StudyRunStatus.Diverged,
        "interrupted" => StudyRunStatus.Interrupted,
        "failed" => StudyRunStatus.Failed,
        "pending" => StudyRunStatus.Pending,
        _ => throw new InvalidDataException($"{where}: status '{cell}' is none of completed, diverged, interrupted, failed, pending"),
    };
}
