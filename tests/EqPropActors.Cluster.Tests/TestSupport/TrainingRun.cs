using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster.Tests.TestSupport;

/// <summary>A small seeded training run that any engine can do: the same minibatches, plan and initial weights.</summary>
public sealed class TrainingRun
{
    public TrainingRun(int[] layers, int groupsPerHiddenLayer, int rows, int batches, float momentum = 0.5f, int seed = 11,
        UpdateForm form = UpdateForm.TwoPhase)
    {
        Network = new NetworkSpec(layers, groupsPerHiddenLayer: groupsPerHiddenLayer);
        Weights = WeightInitializer.Create(layers, 90, seed);
        Rows = rows;
        Batches = Enumerable.Range(0, batches).Select(b => Minibatch.Random(Network, rows, seed + b)).ToArray();
        Plan = MinibatchPlan.Training(8, 3, new RuleApplication(LearningRule.Vf, 0.5f, Centered: false, momentum, Form: form));
    }

    public NetworkSpec Network { get; }
    public ParameterSet Weights { get; }
    public int Rows { get; }
    public Minibatch[] Batches { get; }
    public MinibatchPlan Plan { get; }
    public float[] LearningRates => Enumerable.Repeat(0.1f, Network.PairCount).ToArray();

    /// <summary>Loads the initial weights, trains on every minibatch (calling <paramref name="between"/> after each),
    /// and returns the final weights and the minibatch reports.</summary>
    public (ParameterSet Weights, List<MinibatchReport> Reports) Train(IEngine engine, Action<int>? between = null)
    {
        engine.LoadParameters(Weights, null);
        var reports = new List<MinibatchReport>();
        for (int b = 0; b < Batches.Length; b++)
        {
            reports.Add(engine.Run(Batches[b], Plan, 0.5f, 1e-3f));
            between?.Invoke(b);
        }
        return (engine.ExportWeights(), reports);
    }

    public (ParameterSet Weights, List<MinibatchReport> Reports) TrainOnBatchEngine()
    {
        using var engine = new BatchEngine(Network, Rows, LearningRates);
        return Train(engine);
    }
}
