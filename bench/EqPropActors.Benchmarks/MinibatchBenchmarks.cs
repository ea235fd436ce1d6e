using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using EqPropActors.Benchmarks.Columns;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Metrics;
using EqPropActors.Core.Network;

namespace EqPropActors.Benchmarks;

/// <summary>
/// One training minibatch of the batch engine (free phase T1, nudged phase T2, VF update) on random inputs,
/// the configurations of <c>eqprop bench</c>.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class MinibatchBenchmarks
{
    private BatchEngine _engine = null!;
    private Minibatch _batch = null!;
    private MinibatchPlan _plan = null!;

    /// <summary>Network, phase lengths and minibatch size of one case; ToString is what the summary shows,
    /// CompareTo keeps the summary rows in the order of <see cref="Configurations"/> (small network first, then by rows).</summary>
    public sealed record Configuration(int[] Layers, int FreeSteps, int NudgedSteps, int Rows) : IComparable
    {
        public NetworkSpec Network => new(Layers);

        public MinibatchPlan Plan =>
            MinibatchPlan.Training(FreeSteps, NudgedSteps, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f));

        public double FlopsPerMinibatch => FlopModel.PerMinibatch(Network, Rows, Plan);

        public override string ToString() => $"{string.Join('-', Layers)} T1={FreeSteps} T2={NudgedSteps} b={Rows}";

        public int CompareTo(object? other) => other is Configuration that
            ? (Layers.Length, Rows).CompareTo((that.Layers.Length, that.Rows))
            : 1;
    }

    public static IEnumerable<Configuration> Configurations =>
    [
        new([784, 500, 10], 20, 4, 20),
        new([784, 500, 10], 20, 4, 100),
        new([784, 500, 500, 10], 100, 6, 20),
    ];

    [ParamsSource(nameof(Configurations))]
    public Configuration Case { get; set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        var network = Case.Network;
        float[] rates = Enumerable.Repeat(0.01f, network.PairCount).ToArray();
        _engine = new BatchEngine(network, Case.Rows, rates);
        _engine.LoadParameters(WeightInitializer.Create(network.LayerSizes, 90, seed: 1), null);
        _batch = Minibatch.Random(network, Case.Rows, seed: 1);
        _plan = Case.Plan;
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark]
    public MinibatchReport TrainingMinibatch() => _engine.Run(_batch, _plan, 0.5f, 1e-3f);

    private static Configuration CaseOf(BenchmarkCase benchmarkCase) => (Configuration)benchmarkCase.Parameters[nameof(Case)];

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Show the whole case description (BenchmarkDotNet cuts parameter values to 20 characters by default).
            SummaryStyle = SummaryStyle.Default.WithMaxParameterColumnWidth(40);
            AddColumn(new RateColumn("samples/s", "Training samples per second: minibatch rows / Mean", b => CaseOf(b).Rows, "F0"));
            AddColumn(new RateColumn("GFLOP/s", "Useful flops per second: FlopModel.PerMinibatch / Mean", b => CaseOf(b).FlopsPerMinibatch * 1e-9));
        }
    }
}
