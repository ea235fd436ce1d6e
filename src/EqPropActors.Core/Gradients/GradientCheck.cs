using EqPropActors.Core.Data;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Gradients;

/// <summary>Settings of a theorem check (vfep.md, "What the paper claims", claim 1).</summary>
public sealed record GradientCheckSettings
{
    public required int[] Layers { get; init; }
    public Activation Activation { get; init; } = Activation.HardSigmoid;
    public DynamicsForm Form { get; init; } = DynamicsForm.Vf;
    public IReadOnlyList<LearningRule> Rules { get; init; } = [LearningRule.Vf, LearningRule.Ep];
    public IReadOnlyList<double> InitAnglesDegrees { get; init; } = [0, 15, 30, 45, 60, 90];
    public float Beta { get; init; } = 0.001f;
    public float Dt { get; init; } = 0.5f;
    public int FreeSteps { get; init; } = 2000;
    public int NudgedSteps { get; init; } = 2000;
    public int BatchSize { get; init; } = 20;
    public int Seed { get; init; } = 1;

    /// <summary>Entries per tensor checked by finite differences of the loss (0 = skip; costly on large nets).</summary>
    public int FiniteDifferenceEntries { get; init; }
}

/// <summary>One row of the check: for a rule, an initial angle and a layer pair, the angles between estimates.</summary>
/// <param name="AngleDeg">Angle between the engine's centered estimate at β (the update it would apply, ΔW/α)
/// and the true gradient −∂J/∂θ computed by the adjoint method.</param>
/// <param name="OneSidedAngleDeg">The same for the one-sided estimate (s^β − s⁰)/β.</param>
/// <param name="LimitAngleDeg">Theorem 1's prediction: angle between the β → 0 limit of the VF rule,
/// ν = c J⁻ᵀ M, and the true gradient (for the symmetric rule: 0 by construction of the energy).</param>
/// <param name="FiniteDifferenceAngleDeg">Angle between the adjoint gradient and central finite differences of
/// the loss on a random subset of entries (a check of the reference itself), when requested.</param>
/// <param name="FreeResidual">Largest per-sample residual ‖s_T − s_{T−1}‖/dt at the end of the engine's free phase:
/// the one-sided estimate is only meaningful when it is far below β.</param>
public sealed record GradientCheckRow(string Rule, double InitAngleDeg, int Layer, double AngleDeg, double OneSidedAngleDeg,
    double LimitAngleDeg, double? FiniteDifferenceAngleDeg, double FreeResidual);

/// <summary>
/// Compares, at the free fixed point of a real minibatch, the local rule's update as the engine computes it with the
/// shared kernel, against the true gradient of the loss at the fixed point computed independently in double
/// precision (adjoint solve J_AAᵀ λ = c_Aᵀ), per layer pair: the paper's Theorem 1 measured.
/// </summary>
public static class GradientCheck
{
    /// <summary>Runs the check with the synchronous batch engine.</summary>
    public static IReadOnlyList<GradientCheckRow> Run(GradientCheckSettings settings, Dataset data) =>
        Run(settings, data, (network, rows) => new BatchEngine(network, rows, Enumerable.Repeat(1f, network.PairCount).ToArray()));

    /// <summary>Runs the check with engines made by <paramref name="createEngine"/>(network, rows).</summary>
    public static IReadOnlyList<GradientCheckRow> Run(GradientCheckSettings settings, Dataset data, Func<NetworkSpec, int, IEngine> createEngine)
    {
        var rows = new List<GradientCheckRow>();
        var network = new NetworkSpec(settings.Layers, settings.Activation, settings.Form);
        var batch = LoadBatch(network, data, settings.BatchSize);
        foreach (var rule in settings.Rules)
            foreach (double angle in rule == LearningRule.Ep ? [0.0] : settings.InitAnglesDegrees)
                rows.AddRange(CheckOne(settings, network, batch, rule, angle, createEngine));
        return rows;
    }

    private static IEnumerable<GradientCheckRow> CheckOne(GradientCheckSettings settings, NetworkSpec network, Minibatch batch,
        LearningRule rule, double initAngle, Func<NetworkSpec, int, IEngine> createEngine)
    {
        var weights = WeightInitializer.Create(settings.Layers, initAngle, settings.Seed);
        var centered = EngineEstimate(settings, network, batch, weights, rule, centered: true, createEngine, out var freeStates, out double freeResidual);
        var oneSided = EngineEstimate(settings, network, batch, weights, rule, centered: false, createEngine, out _, out _);

        var reference = ParameterConversion.ToReference(network, weights);
        var relaxation = new RelaxationSettings(settings.Dt, Tolerance: 1e-12, MaxSteps: 100_000);
        var inputs = Enumerable.Range(0, batch.Rows).Select(r => Row(batch.Inputs, batch.InputStride, r, network.InputSize)).ToArray();
        var targets = Enumerable.Range(0, batch.Rows).Select(r => Row(batch.Targets, batch.TargetStride, r, network.OutputSize)).ToArray();
        var truth = new NetworkGradient(settings.Layers);
        var limit = new NetworkGradient(settings.Layers);
        for (int r = 0; r < batch.Rows; r++)
        {
            // Polish the engine's float fixed point in double so that the linearisation is taken at the same point.
            var fixedPoint = ReferenceDynamics.RequireFixedPoint(reference, inputs[r], null, 0, freeStates[r], relaxation);
            truth.AddScaled(TrueGradient.AdjointAtFixedPoint(reference, fixedPoint, targets[r]), 1.0 / batch.Rows);
            limit.AddScaled(TrueGradient.VfEstimateLimitAtFixedPoint(reference, fixedPoint, targets[r]), 1.0 / batch.Rows);
        }

        double[]? finiteDifferenceAngles = settings.FiniteDifferenceEntries > 0
            ? FiniteDifferenceAngles(settings, reference, inputs, targets, truth, relaxation, rule)
            : null;

        for (int pair = 1; pair <= network.PairCount; pair++)
        {
            double angle, oneSidedAngle, limitAngle;
            if (rule == LearningRule.Vf)
            {
                var selection = PairTensors(pair).ToArray();
                angle = Angles.Degrees(ParameterConversion.ToGradient(centered), truth, selection);
                oneSidedAngle = Angles.Degrees(ParameterConversion.ToGradient(oneSided), truth, selection);
                limitAngle = Angles.Degrees(limit, truth, selection);
            }
            else
            {
                // Tied weights: the parameter is one matrix per pair, its gradient the sum of both directions' gradients.
                var tiedTruth = truth.ToTied();
                double[] truthVector = [.. tiedTruth.Weights[pair]!, .. tiedTruth.Bias[pair]!];
                angle = Angles.Degrees(TiedEstimate(centered, pair), truthVector);
                oneSidedAngle = Angles.Degrees(TiedEstimate(oneSided, pair), truthVector);
                limitAngle = 0; // with tied weights and the energy's dynamics the limit is the gradient itself
            }
            yield return new GradientCheckRow(rule.ToString().ToLowerInvariant(), initAngle, pair, angle, oneSidedAngle, limitAngle,
                finiteDifferenceAngles?[pair - 1], freeResidual);
        }
    }

    /// <summary>
    /// The engine's rule estimate ΔW/α after free and nudged phases of fixed length (no weight change). The free
    /// states are read back through the persistent-particle buffers, which every engine fills (starting from zero).
    /// </summary>
    private static ParameterSet EngineEstimate(GradientCheckSettings settings, NetworkSpec network, Minibatch batch, ParameterSet weights,
        LearningRule rule, bool centered, Func<NetworkSpec, int, IEngine> createEngine, out double[][][] freeStates, out double freeResidual)
    {
        using var engine = createEngine(network, batch.Rows);
        engine.LoadParameters(weights, null);
        var plan = MinibatchPlan.Training(settings.FreeSteps, settings.NudgedSteps,
            new RuleApplication(rule, settings.Beta, centered, 0f), UpdateMode.EstimateOnly);
        batch.Particles = network.LayerSizes.Select((n, l) => l == 0 ? [] : new float[batch.Rows * n]).ToArray();
        // Tolerance 0: an engine that ends phases on convergence (the async actors) runs the full step budget too.
        freeResidual = engine.Run(batch, plan, settings.Dt, 0f).Phases[0].MaxResidual;
        freeStates = new double[batch.Rows][][];
        for (int r = 0; r < batch.Rows; r++)
        {
            freeStates[r] = new double[network.LayerCount][];
            freeStates[r][0] = Row(batch.Inputs, batch.InputStride, r, network.InputSize);
            for (int l = 1; l < network.LayerCount; l++)
                freeStates[r][l] = Row(batch.Particles[l], network.LayerSizes[l], r, network.LayerSizes[l]);
        }
        batch.Particles = null;
        return engine.ExportEstimate();
    }

    private static double[]? FiniteDifferenceAngles(GradientCheckSettings settings, ReferenceNetwork reference, double[][] inputs, double[][] targets,
        NetworkGradient truth, RelaxationSettings relaxation, LearningRule rule)
    {
        if (rule == LearningRule.Ep)
            return null; // the finite differences perturb each matrix separately; they check the reference, not the rule
        var subset = FiniteDifferenceGradient.RandomSubset(reference, settings.FiniteDifferenceEntries, settings.Seed);
        var numeric = FiniteDifferenceGradient.NegativeLossGradient(reference, inputs, targets, subset, 1e-4, relaxation);
        var adjoint = truth.Gather(subset);
        var angles = new double[reference.OutputLayer];
        for (int pair = 1; pair <= reference.OutputLayer; pair++)
        {
            var inPair = PairTensors(pair).ToHashSet();
            var indices = Enumerable.Range(0, subset.Count).Where(i => inPair.Contains(subset[i].Tensor)).ToArray();
            angles[pair - 1] = Angles.Degrees(indices.Select(i => numeric[i]).ToArray(), indices.Select(i => adjoint[i]).ToArray());
        }
        return angles;
    }

    /// <summary>The parameters of layer pair l: forward weights into l, feedback weights from l into l−1, biases of l.</summary>
    private static IEnumerable<TensorId> PairTensors(int pair)
    {
        yield return new TensorId(TensorKind.Forward, pair);
        if (pair >= 2)
            yield return new TensorId(TensorKind.Feedback, pair - 1);
        yield return new TensorId(TensorKind.Bias, pair);
    }

    private static double[] TiedEstimate(ParameterSet estimate, int pair) =>
        [.. estimate.Forward[pair].Select(v => (double)v), .. estimate.Bias[pair].Select(v => (double)v)];

    private static double[] Row(float[] buffer, int stride, int row, int size)
    {
        var values = new double[size];
        for (int j = 0; j < size; j++)
            values[j] = buffer[row * stride + j];
        return values;
    }

    private static Minibatch LoadBatch(NetworkSpec network, Dataset data, int rows)
    {
        if (data.FeatureCount != network.InputSize || data.ClassCount != network.OutputSize)
            throw new ArgumentException($"--layers {network.Describe()} does not fit data set '{data.Name}' " +
                $"({data.FeatureCount} features, {data.ClassCount} classes)");
        rows = Math.Min(rows, data.Count);
        var batch = new Minibatch(rows, Padding.RoundUp(network.InputSize), Padding.RoundUp(network.OutputSize)) { Rows = rows };
        var indices = Enumerable.Range(0, rows).ToArray();
        data.CopyBatch(indices, batch.Inputs, batch.InputStride, batch.Targets, batch.TargetStride);
        for (int r = 0; r < rows; r++)
            batch.Labels[r] = data.Labels[r];
        return batch;
    }
}
