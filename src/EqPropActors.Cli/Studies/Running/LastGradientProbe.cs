using System.Globalization;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// The columns runs.csv takes from the gradient probe (<c>train --probe-gradient-every N</c>): metrics.csv's
/// <c>probe_angle_pair{k}_deg</c> for pairs k = 1..L and <c>probe_jacobian_asymmetry</c>, at the last epoch the run was
/// probed. That epoch is the last one N divides, which is not the final epoch when N does not divide the epochs.
/// </summary>
public static class LastGradientProbe
{
    /// <summary>The probe's columns of a network with <paramref name="pairs"/> layer pairs, in runs.csv's order.</summary>
    public static string[] Columns(int pairs) =>
        [.. Enumerable.Range(1, pairs).Select(Report.ProbeColumns.Angle), Report.ProbeColumns.JacobianAsymmetry];

    /// <summary>
    /// The cells of <see cref="Columns"/> from the last row of the metrics.csv at <paramref name="metricsPath"/> that has
    /// any probe cell; all empty when the file is missing or no epoch was probed. A probe that found no fixed point wrote
    /// NaN: it stays NaN (a value that counts as missing) rather than falling back to an earlier probe, which would
    /// report weights the run no longer had.
    /// </summary>
    public static string[] Cells(string metricsPath, int pairs)
    {
        var columns = Columns(pairs);
        var empty = new string[columns.Length];
        Array.Fill(empty, "");
        if (!File.Exists(metricsPath))
            return empty;
        var records = Report.CsvRecords.Parse(File.ReadAllText(metricsPath), metricsPath);
        if (records.Count < 2)
            return empty;
        var header = records[0];
        // A pair this metrics.csv lacks (an older file, or a run with other layers) stays empty.
        int[] indices = columns.Select(column => Array.IndexOf(header, column)).ToArray();
        var probed = records.Skip(1).LastOrDefault(row => indices.Any(i => i >= 0 && i < row.Length && row[i].Length > 0));
        if (probed is null)
            return empty;
        return indices.Select((i, c) => i < 0 || i >= probed.Length ? "" : Number(probed[i], metricsPath, columns[c])).ToArray();
    }

    private static string Number(string cell, string path, string column)
    {
        if (cell.Length == 0)
            return "";
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new InvalidDataException($"{path}: {column} '{cell}' is not a number");
        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
