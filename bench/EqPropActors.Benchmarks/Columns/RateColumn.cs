using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace EqPropActors.Benchmarks.Columns;

/// <summary>
/// A summary column showing a rate, quantity per operation / mean time per operation, for example
/// GFLOP/s (flops per operation × 1e-9) or samples/s (rows per operation). The quantity comes from the
/// benchmark case (method and parameters), so the column works for every case of a parameterized class.
/// </summary>
public sealed class RateColumn(string name, string legend, Func<BenchmarkCase, double> quantityPerOperation, string format = "F1") : IColumn
{
    public string Id => $"{nameof(RateColumn)}.{name}";
    public string ColumnName => name;
    public string Legend => legend;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        // Mean is in nanoseconds per operation (already divided by OperationsPerInvoke).
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNanoseconds is not > 0)
            return "NA";
        double perSecond = quantityPerOperation(benchmarkCase) / (meanNanoseconds.Value * 1e-9);
        return perSecond.ToString(format, CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}
