using EqPropActors.Core.Data;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Kernels;
using EqPropActors.Core.Network;

namespace EqPropActors.Core.Gradients;

/// <summary>
/// Compares, at the free fixed point of a real minibatch, the local rule's update as the engine computes it with the
/// shared kernel, against the true gradient of the loss at the fixed point computed independently in double
/// precision (adjoint solve J_AAᵀ λ = c_Aᵀ), per layer pair: the paper's Theorem 1 measured.
/// </summary>
public static class GradientCheck
{
    /// <summary>Runs the check with the synchronous batch engine: one row per rule, starting point and layer pair.</summary>
    public static IReadOnlyList<GradientCheckRow> Run(GradientCheckSettings settings, Dataset data) =>
        GradientCheckSummary.Summarize(Measure(settings, data), settings.ThirdPhase);

    /// <summary>Runs the check with engines made by <paramref name="createEngine"/>(network, rows).</summary>
    public static IReadOnlyList<GradientCheckRow> Run(GradientCheckSettings settings, Dataset data, Func<NetworkSpec, int, IEngine> createEngine) =>
        GradientCheckSummary.Summarize(Measure(settings, data, createEngine), settings.ThirdPhase);

    /// <summary>The check's measurements on each minibatch (repeat), before they are folded into mean and spread.</summary>
    public static IReadOnlyList<GradientCheckMeasurement> Measure(GradientCheckSettings settings, Dataset data,
        Func<NetworkSpec, int, IEngine>? createEngine = null)
    {
        createEngine ??= (network, rows) => new BatchEngine(network, rows, settings.LearningRates(network));
        var network = new NetworkSpec(settings.Layers, settings.Activation, settings.Form);
        Validate(settings, network, data);
        var batches = Enumerable.Range(0, settings.Repeats).Select(r => LoadBatch(network, data, r * settings.BatchSize, settings.BatchSize)).ToArray();
        var measurements = new List<GradientCheckMeasurement>();
        foreach (var rule in settings.Rules)
            foreach (var (initAngle, weights) in StartingPoints(settings, rule))
                for (int repeat = 0; repeat < batches.Length; repeat++)
                    measurements.AddRange(CheckOne(settings, network, batches[repeat], repeat, rule, initAngle, weights, createEngine));
        return measurements;
    }

    /// <summary>
    /// The name of the first feedback matrix that is not bit for bit the transpose of the forward matrix it mirrors
    /// (as symmetric EP keeps them), or null when the weights are tied.
    /// </summary>
    public static string? FirstUntiedFeedback(ParameterSet weights)
    {
        var sizes = weights.LayerSizes;
        for (int l = 1; l < sizes.Count - 1; l++)
        {
            float[] transposedForward = WeightInitializer.Transpose(weights.Forward[l + 1], sizes[l], sizes[l + 1]);
            // Bit patterns: training with tied weights keeps both copies bit-identical, so any difference means untied.
            if (!System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(transposedForward.AsSpan())
                    .SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(weights.Feedback[l].AsSpan())))
                return $"Wfb{l} is not the transpose of Wff{l + 1}";
        }
        return null;
    }

    /// <summary>
    /// The check on one given minibatch at the given weights, for one rule: what a training run's gradient probe
    /// (<c>train --probe-gradient-every</c>) measures after an epoch, by the same steps as <see cref="Measure"/>
    /// (<see cref="GradientCheckSettings.Weights"/>, the rules, angles and repeats are not used). The measurements
    /// carry <see cref="GradientCheckMeasurement.JacobianAsymmetry"/>.
    /// </summary>
    public static IReadOnlyList<GradientCheckMeasurement> MeasureOnBatch(GradientCheckSettings settings, Minibatch batch, LearningRule rule,
        ParameterSet weights, Func<NetworkSpec, int, IEngine>? createEngine = null)
    {
        createEngine ??= (network, rows) => new BatchEngine(network, rows, settings.LearningRates(network));
        var network = new NetworkSpec(settings.Layers, settings.Activation, settings.Form);
        ValidateSettings(settings with { Rules = [rule], Weights = weights }, network);
        if (batch.Rows < 1)
            throw new ArgumentException("the minibatch to check has no rows");
        return CheckOne(settings, network, batch, 0, rule, null, weights, createEngine).ToArray();
    }

    private static void Validate(GradientCheckSettings settings, NetworkSpec network, Dataset data)
    {
        if (data.FeatureCount != network.InputSize || data.ClassCount != network.OutputSize)
            throw new ArgumentException($"--layers {network.Describe()} does not fit data set '{data.Name}' " +
                $"({data.FeatureCount} features, {data.ClassCount} classes)");
        if ((long)settings.Repeats * settings.BatchSize > data.Count)
            throw new ArgumentException($"--repeats {settings.Repeats} × --batch-size {settings.BatchSize} needs " +
                $"{(long)settings.Repeats * settings.BatchSize} training samples, but data set '{data.Name}' has {data.Count}");
        ValidateSettings(settings, network);
    }

    private static void ValidateSettings(GradientCheckSettings settings, NetworkSpec network)
    {
        if (settings.Rules.Count == 0)
            throw new ArgumentException("--rules names no rule: give vf, ep or both");
        if (settings.Weights is null && settings.InitAnglesDegrees.Count == 0)
            throw new ArgumentException("--angles names no angle: give one or more between 0 and 90");
        if (settings.FiniteDifferenceEntries < 0)
            throw new ArgumentException($"--finite-differences must be 0 (skip) or more, got {settings.FiniteDifferenceEntries}");
        if (settings.Repeats < 1)
            throw new ArgumentException($"--repeats must be at least 1, got {settings.Repeats}");
        if (settings.BatchSize < 1)
            throw new ArgumentException($"--batch-size must be at least 1, got {settings.BatchSize}");
        if (!(settings.Dt > 0 && float.IsFinite(settings.Dt)))
            throw new ArgumentException($"--dt must be a positive number, got {settings.Dt}");
        if (settings.FreeSteps is { UntilSettled: false, Steps: < 1 } || settings.NudgedSteps is { UntilSettled: false, Steps: < 1 })
            throw new ArgumentException($"--T1 and --T2 must be at least 1, got {settings.FreeSteps} and {settings.NudgedSteps}");
        if (!(settings.Beta > 0 && float.IsFinite(settings.Beta)))
            throw new ArgumentException($"--beta must be a positive number, got {settings.Beta}");
        if (settings.Weights is not { } weights)
            return;
        if (!weights.LayerSizes.SequenceEqual(settings.Layers))
            throw new ArgumentException($"the weights are for layers {string.Join(',', weights.LayerSizes)}, not --layers {network.Describe()}");
        if (settings.Rules.Contains(LearningRule.Ep) && FirstUntiedFeedback(weights) is { } untied)
            throw new ArgumentException($"rule ep ties the feedback weights to the forward ones, but in the given weights {untied}; check them with --rules vf");
    }

    /// <summary>The weights each rule is measured at: the given ones, or the seeded initialisation at each initial angle.</summary>
    private static IEnumerable<(double? InitAngle, ParameterSet Weights)> StartingPoints(GradientCheckSettings settings, LearningRule rule)
    {
        if (settings.Weights is { } given)
        {
            yield return (null, given);
            yield break;
        }
        // Distinct: a repeated angle would otherwise be counted as more repeats of one row.
        foreach (double angle in rule == LearningRule.Ep ? [0.0] : settings.InitAnglesDegrees.Distinct())
            yield return (angle, WeightInitializer.Create(settings.Layers, angle, settings.Seed));
    }

    private static IEnumerable<GradientCheckMeasurement> CheckOne(GradientCheckSettings settings, NetworkSpec network, Minibatch batch, int repeat,
        LearningRule rule, double? initAngle, ParameterSet weights, Func<NetworkSpec, int, IEngine> createEngine)
    {
        var centered = EngineEstimate(settings, network, batch, weights, rule, centered: true, createEngine, out var freeStates, out double freeResidual);
        var oneSided = EngineEstimate(settings, network, batch, weights, rule, centered: false, createEngine, out _, out _);

        var reference = ParameterConversion.ToReference(network, weights);
        var relaxation = new RelaxationSettings(settings.Dt, Tolerance: 1e-12, MaxSteps: 100_000);
        var inputs = Enumerable.Range(0, batch.Rows).Select(r => Row(batch.Inputs, batch.InputStride, r, network.InputSize)).ToArray();
        var targets = Enumerable.Range(0, batch.Rows).Select(r => Row(batch.Targets, batch.TargetStride, r, network.OutputSize)).ToArray();
        var truth = new NetworkGradient(settings.Layers);
        var limit = new NetworkGradient(settings.Layers);
        double asymmetrySum = 0;
        int asymmetrySamples = 0;
        for (int r = 0; r < batch.Rows; r++)
        {
            // Polish the engine's float fixed point in double so that the linearisation is taken at the same point.
            var fixedPoint = PolishFixedPoint(settings, reference, inputs[r], freeStates[r], relaxation, repeat, r, freeResidual);
            // The J that Theorem 1's gap c J⁻ᵀ (J − Jᵀ) J⁻¹ M / 2 is made of; undefined when every unit is saturated.
            double asymmetry = JacobianAtFixedPoint.RelativeAsymmetry(reference, fixedPoint);
            if (!double.IsNaN(asymmetry))
                (asymmetrySum, asymmetrySamples) = (asymmetrySum + asymmetry, asymmetrySamples + 1);
            truth.AddScaled(TrueGradient.AdjointAtFixedPoint(reference, fixedPoint, targets[r]), 1.0 / batch.Rows);
            // Each rule's own β → 0 limit: the VF rule's is Theorem 1's ν = c J⁻ᵀ M, symmetric EP's κᵀ M' (TrueGradient).
            limit.AddScaled(rule == LearningRule.Vf
                ? TrueGradient.VfEstimateLimitAtFixedPoint(reference, fixedPoint, targets[r])
                : TrueGradient.EpEstimateLimitAtFixedPoint(reference, fixedPoint, targets[r]), 1.0 / batch.Rows);
        }
        string basis = GradientTheory.Basis(rule, network.Activation, network.Form, tied: FirstUntiedFeedback(weights) is null);

        double[]? finiteDifferenceAngles = settings.FiniteDifferenceEntries > 0
            ? FiniteDifferenceAngles(settings, reference, inputs, targets, truth, relaxation, rule)
            : null;

        for (int pair = 1; pair <= network.PairCount; pair++)
        {
            double centeredAngle, oneSidedAngle, limitAngle;
            if (rule == LearningRule.Vf)
            {
                var selection = PairTensors(pair).ToArray();
                centeredAngle = Angles.Degrees(ParameterConversion.ToGradient(centered), truth, selection);
                oneSidedAngle = Angles.Degrees(ParameterConversion.ToGradient(oneSided), truth, selection);
                limitAngle = Angles.Degrees(limit, truth, selection);
            }
            else
            {
                // Tied weights: the parameter is one matrix per pair, its gradient the sum of both directions' gradients.
                var tiedTruth = truth.ToTied();
                var tiedLimit = limit.ToTied();
                double[] truthVector = [.. tiedTruth.Weights[pair]!, .. tiedTruth.Bias[pair]!];
                centeredAngle = Angles.Degrees(TiedEstimate(centered, pair), truthVector);
                oneSidedAngle = Angles.Degrees(TiedEstimate(oneSided, pair), truthVector);
                // 0 up to rounding when the dynamics are the energy's gradient; not with the logistic in the VF form.
                limitAngle = Angles.Degrees([.. tiedLimit.Weights[pair]!, .. tiedLimit.Bias[pair]!], truthVector);
            }
            yield return new GradientCheckMeasurement(rule.ToString().ToLowerInvariant(), initAngle, pair, repeat, centeredAngle, oneSidedAngle,
                limitAngle, finiteDifferenceAngles?[pair - 1], freeResidual, basis)
            {
                JacobianAsymmetry = asymmetrySamples > 0 ? asymmetrySum / asymmetrySamples : double.NaN,
            };
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
            new RuleApplication(rule, settings.Beta, centered, 0f, Form: settings.Update), UpdateMode.EstimateOnly);
        batch.Particles = network.LayerSizes.Select((n, l) => l == 0 ? [] : new float[batch.Rows * n]).ToArray();
        // Tolerance 0 (the default): an engine that ends phases on convergence (the async actors) runs the full step budget too.
        freeResidual = engine.Run(batch, plan, settings.Dt, settings.Tolerance).Phases[0].MaxResidual;
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

    /// <summary>
    /// The engine's float free state relaxed on in double precision until it is a fixed point to 1e-12. When there is
    /// none at this step (the Euler map oscillates at a large --dt, or the dynamics do not settle) the check cannot
    /// linearise there: that is a setting to change, said as such, not a crash.
    /// </summary>
    private static double[][] PolishFixedPoint(GradientCheckSettings settings, ReferenceNetwork reference, double[] input, double[][] freeStates,
        RelaxationSettings relaxation, int repeat, int row, double engineResidual)
    {
        var result = ReferenceDynamics.RelaxToFixedPoint(reference, input, null, 0, freeStates, relaxation);
        if (result.Converged)
            return result.States;
        throw new ConfigurationException(NoFixedPointMessage(settings, repeat * settings.BatchSize + row, result, relaxation, engineResidual));
    }

    internal static string NoFixedPointMessage(GradientCheckSettings settings, int sample, RelaxationResult result, RelaxationSettings relaxation,
        double engineResidual)
    {
        string what = $"gradcheck needs the free phase to reach a fixed point, but with --dt {settings.Dt} it does not for {settings.SampleSet} sample {sample} " +
            $"(--activation {(settings.Activation == Activation.HardSigmoid ? "hard-sigmoid" : "logistic")}" +
            $"{(settings.Form == DynamicsForm.RhoPrime ? " --rho-prime" : "")}): residual {result.Residual:E2} after {result.Steps} " +
            $"double-precision steps (tolerance {relaxation.Tolerance:E0}; the engine's after --T1 {settings.FreeSteps} steps: {engineResidual:E2}). ";
        // A step so small that the relaxation covers little time cannot arrive; a large one overshoots and oscillates.
        double coveredTime = settings.Dt * (double)result.Steps;
        return coveredTime < 10_000
            ? what + $"The relaxation covers only {coveredTime:G3} time units: use a larger --dt (e.g. 0.5, the default), or a larger --T1 and --T2"
            : what + "A residual that stays large means the Euler step oscillates or the dynamics do not settle: use a smaller --dt (e.g. " +
              $"{settings.Dt / 2:G3}), with a larger --T1 and --T2 to cover the same time (e.g. {2 * settings.FreeSteps.MaxSteps} and {2 * settings.NudgedSteps.MaxSteps})";
    }

    private static double[]? FiniteDifferenceAngles(GradientCheckSettings settings, ReferenceNetwork reference, double[][] inputs, double[][] targets,
        NetworkGradient truth, RelaxationSettings relaxation, LearningRule rule)
    {
        if (rule == LearningRule.Ep)
            return null; // the finite differences perturb each matrix separately; they check the reference, not the rule
        var subset = FiniteDifferenceGradient.RandomSubset(reference, settings.FiniteDifferenceEntries, settings.Seed);
        double[] numeric;
        try
        {
            numeric = FiniteDifferenceGradient.NegativeLossGradient(reference, inputs, targets, subset, 1e-4, relaxation);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("No fixed point", StringComparison.Ordinal))
        {
            // A perturbed network (or the relaxation from zero) found no fixed point: the same setting to change.
            throw new ConfigurationException($"--finite-differences: {e.Message} Use a smaller --dt (e.g. {settings.Dt / 2:G3}), or leave out --finite-differences");
        }
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

    internal static double[] Row(float[] buffer, int stride, int row, int size)
    {
        var values = new double[size];
        for (int j = 0; j < size; j++)
            values[j] = buffer[row * stride + j];
        return values;
    }

    /// <summary>Training samples [first, first + rows) as a minibatch (the caller has checked that they exist).</summary>
    internal static Minibatch LoadBatch(NetworkSpec network, Dataset data, int first, int rows)
    {
        var batch = new Minibatch(rows, Padding.RoundUp(network.InputSize), Padding.RoundUp(network.OutputSize)) { Rows = rows };
        var indices = Enumerable.Range(first, rows).ToArray();
        data.CopyBatch(indices, batch.Inputs, batch.InputStride, batch.Targets, batch.TargetStride);
        for (int r = 0; r < rows; r++)
            batch.Labels[r] = data.Labels[first + r];
        return batch;
    }
}
