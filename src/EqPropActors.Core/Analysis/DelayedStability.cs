using EqPropActors.Core.Data;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Gradients;
using EqPropActors.Core.Network;
using MathNet.Numerics.Statistics;

namespace EqPropActors.Core.Analysis;

/// <summary>
/// Linear stability of the free dynamics when neighbour activity arrives d steps late (the async schedule's delay):
/// per sample, the spectral radius of e_{t+1} = (1 − dt) e_t + dt·J e_{t−d} at its free fixed point for d = 0..D
/// (<see cref="DelayedLinearisation"/>, <see cref="DelayedSpectrum"/>), the smallest d at which it reaches 1, and the
/// undelayed flow's margin max Re eig(J) − 1. A delay changes where the dynamics goes, not where it can rest: the fixed
/// points are those of the synchronous schedule, so the ones the batch engine finds are the ones to linearise at.
/// </summary>
public static class DelayedStability
{
    /// <summary>Polishing tolerance and budget: as the gradient check, so that saturated units sit exactly on their bound.</summary>
    private const double PolishTolerance = 1e-12;
    private const int PolishMaxSteps = 20_000;

    public static DelayedStabilityReport Run(DelayedStabilitySettings settings, Dataset data)
    {
        var network = new NetworkSpec(settings.Layers, settings.Activation, settings.Form);
        Validate(settings, network, data);
        var batch = GradientCheck.LoadBatch(network, data, 0, settings.Samples);
        var engineStates = EngineFreeStates(settings, network, batch);
        var reference = ParameterConversion.ToReference(network, settings.Weights);
        var relaxation = new RelaxationSettings(settings.Dt, PolishTolerance, PolishMaxSteps);
        var perSample = new List<SampleStability>();
        var withoutFixedPoint = new List<int>();
        for (int sample = 0; sample < batch.Rows; sample++)
        {
            // The engine's float fixed point, polished in double so that the linearisation is taken at the fixed point itself.
            var polished = ReferenceDynamics.RelaxToFixedPoint(reference, engineStates[sample][0], null, 0.0, engineStates[sample], relaxation);
            if (!polished.Converged)
            {
                withoutFixedPoint.Add(sample);
                continue;
            }
            var linearisation = DelayedLinearisation.AtFreeFixedPoint(reference, polished.States, settings.Dt);
            perSample.Add(Analyse(sample, linearisation, settings.MaxDelaySteps));
        }
        if (perSample.Count == 0)
            throw new InvalidOperationException($"none of the {batch.Rows} samples reached a free fixed point (residual above {PolishTolerance:E0} " +
                $"after {settings.FreeSteps} engine steps and {PolishMaxSteps} polishing steps at dt = {settings.Dt}): there is nothing to linearise");
        return Summarize(settings, batch.Rows, withoutFixedPoint, perSample);
    }

    /// <summary>One sample's radii for d = 0..<paramref name="maxDelaySteps"/>, critical delay and continuous margin.</summary>
    public static SampleStability Analyse(int sample, DelayedLinearisation linearisation, int maxDelaySteps)
    {
        double[] radii = DelayedSpectrum.SpectralRadii(linearisation, maxDelaySteps);
        return new SampleStability(sample, linearisation.Count, linearisation.SaturatedCount, radii,
            DelayedSpectrum.CriticalDelay(radii), linearisation.ContinuousMargin(), DelayedSpectrum.CouplingSpectralRadius(linearisation),
            DelayedSpectrum.IsStableAtEveryDelay(linearisation));
    }

    private static void Validate(DelayedStabilitySettings settings, NetworkSpec network, Dataset data)
    {
        if (data.FeatureCount != network.InputSize || data.ClassCount != network.OutputSize)
            throw new ArgumentException($"--layers {network.Describe()} does not fit data set '{data.Name}' " +
                $"({data.FeatureCount} features, {data.ClassCount} classes)");
        if (!settings.Weights.LayerSizes.SequenceEqual(settings.Layers))
            throw new ArgumentException($"the weights are for layers {string.Join(',', settings.Weights.LayerSizes)}, not --layers {network.Describe()}");
        if (!(settings.Dt > 0 && settings.Dt <= 1))
            throw new ArgumentException($"--dt must be in (0, 1], got {settings.Dt}");
        if (settings.FreeSteps < 1)
            throw new ArgumentException($"--T1 must be at least 1 step, got {settings.FreeSteps}");
        if (settings.Samples < 1 || settings.Samples > data.Count)
            throw new ArgumentException($"--samples must be between 1 and the {data.Count} training samples of '{data.Name}', got {settings.Samples}");
        if (settings.MaxDelaySteps < 0 || settings.MaxDelaySteps > DelayedStabilitySettings.LargestMaxDelaySteps)
            throw new ArgumentException($"--max-delay-steps must be between 0 and {DelayedStabilitySettings.LargestMaxDelaySteps}, got {settings.MaxDelaySteps}");
    }

    /// <summary>Free states after the engine's free phase from s = 0, read back through the persistent-particle buffers.</summary>
    private static double[][][] EngineFreeStates(DelayedStabilitySettings settings, NetworkSpec network, Minibatch batch)
    {
        using var engine = new BatchEngine(network, batch.Rows, Enumerable.Repeat(1f, network.PairCount).ToArray());
        engine.LoadParameters(settings.Weights, null);
        batch.Particles = network.LayerSizes.Select((n, l) => l == 0 ? [] : new float[batch.Rows * n]).ToArray();
        engine.Run(batch, MinibatchPlan.Evaluation(settings.FreeSteps), settings.Dt, 0f);
        var states = new double[batch.Rows][][];
        for (int r = 0; r < batch.Rows; r++)
        {
            states[r] = new double[network.LayerCount][];
            states[r][0] = GradientCheck.Row(batch.Inputs, batch.InputStride, r, network.InputSize);
            for (int l = 1; l < network.LayerCount; l++)
                states[r][l] = GradientCheck.Row(batch.Particles[l], network.LayerSizes[l], r, network.LayerSizes[l]);
        }
        batch.Particles = null;
        return states;
    }

    private static DelayedStabilityReport Summarize(DelayedStabilitySettings settings, int samples, List<int> withoutFixedPoint,
        List<SampleStability> perSample)
    {
        double dt = settings.Dt;
        var rows = Enumerable.Range(0, settings.MaxDelaySteps + 1).Select(delay =>
        {
            double[] radii = perSample.Select(s => s.SpectralRadii[delay]).ToArray();
            return new DelayRow(delay, DelayUnits.TauFromSteps(delay, dt), radii.Median(), radii.Min(), radii.Max(), radii.Count(r => r >= 1));
        }).ToArray();

        // A sample stable up to D counts as +∞: above every measured delay, so the median stays the middle sample.
        double[] critical = perSample.Select(s => s.CriticalDelaySteps is { } d ? d : double.PositiveInfinity).ToArray();
        double? Finite(double value) => double.IsFinite(value) ? value : null;
        double? medianSteps = Finite(critical.Median());
        int? minSteps = Finite(critical.Min()) is { } min ? (int)min : null;
        int? maxSteps = Finite(critical.Max()) is { } max ? (int)max : null;
        var criticalSummary = new CriticalDelaySummary(medianSteps, minSteps, maxSteps, medianSteps * dt, minSteps * dt, maxSteps * dt,
            perSample.Count(s => s.CriticalDelaySteps is null));

        double[] margins = perSample.Where(s => s.ContinuousMargin is not null).Select(s => s.ContinuousMargin!.Value).ToArray();
        var margin = margins.Length == 0 ? null : new RangeSummary(margins.Median(), margins.Min(), margins.Max());
        double[] couplingRadii = perSample.Where(s => s.CouplingRadius is not null).Select(s => s.CouplingRadius!.Value).ToArray();
        var couplingRadius = couplingRadii.Length == 0 ? null : new RangeSummary(couplingRadii.Median(), couplingRadii.Min(), couplingRadii.Max());
        double[] active = perSample.Select(s => (double)s.ActiveUnits).ToArray();
        return new DelayedStabilityReport(dt, settings.MaxDelaySteps, samples, withoutFixedPoint, rows, criticalSummary, margin,
            couplingRadius, perSample.Count(s => s.StableAtEveryDelay == true), new RangeSummary(active.Median(), active.Min(), active.Max()), perSample);
    }
}
