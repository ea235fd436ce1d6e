using System.Globalization;

namespace EqPropActors.Cli.Studies.Report;

/// <summary>
/// A run's metrics.csv, read by header name so that columns added later (val_error, angle_pair{k}_deg, ...) or moved
/// do not matter. One row per epoch; an empty or non-finite cell is NaN.
/// </summary>
public sealed class RunMetricsTable
{
    private readonly Dictionary<string, double[]> _columns;

    private RunMetricsTable(int[] epochs, Dictionary<string, double[]> columns) => (Epochs, _columns) = (epochs, columns);

    public int[] Epochs { get; }

    public IEnumerable<string> ColumnNames => _columns.Keys;

    /// <summary>The column's value per epoch (NaN where empty), or null when the file has no such column.</summary>
    public double[]? Column(string name) => _columns.GetValueOrDefault(name);

    public static RunMetricsTable Read(string path) => Parse(File.ReadAllText(path), path);

    public static RunMetricsTable Parse(string text, string path)
    {
        var records = CsvRecords.Parse(text, path);
        if (records.Count == 0)
            throw new InvalidDataException($"{path}: empty; expected a header line");
        var header = records[0];
        int epochColumn = Array.IndexOf(header, "epoch");
        if (epochColumn < 0)
            throw new InvalidDataException($"{path}: no 'epoch' column in the header");
        var rows = records.Skip(1).ToArray();
        var epochs = new int[rows.Length];
        var columns = header.Where((_, c) => c != epochColumn).ToDictionary(name => name, _ => new double[rows.Length]);
        for (int r = 0; r < rows.Length; r++)
        {
            if (rows[r].Length != header.Length)
                throw new InvalidDataException($"{path}: record {r + 2} has {rows[r].Length} fields, the header {header.Length}");
            if (!int.TryParse(rows[r][epochColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out epochs[r]))
                throw new InvalidDataException($"{path}: record {r + 2}: epoch '{rows[r][epochColumn]}' is not an integer");
            for (int c = 0; c < header.Length; c++)
            {
                if (c != epochColumn)
                    columns[header[c]][r] = ParseCell(rows[r][c], path, r + 2, header[c]);
            }
        }
        return new RunMetricsTable(epochs, columns);
    }

    private static double ParseCell(string cell, string path, int record, string column)
    {
        if (cell.Length == 0)
            return double.NaN;
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new InvalidDataException($"{path}: record {record}: {column} '{cell}' is not a number");
        return double.IsFinite(value) ? value : double.NaN;
    }
}
