namespace EqPropActors.Core.Analysis;

/// <summary>One sample's linearisation: how many units take part, the radius per delay, its critical delay and margin.</summary>
/// <param name="Sample">Index of the training sample.</param>
/// <param name="ActiveUnits">Free units that move under a small perturbation (size n of the map).</param>
/// <param name="SaturatedUnits">Free units held on a bound by the clip.</param>
/// <param name="SpectralRadii">Spectral radius of the delayed map for d = 0, 1, ….</param>
/// <param name="CriticalDelaySteps">Smallest d with radius ≥ 1, or null when none up to the largest delay.</param>
/// <param name="ContinuousMargin">max Re eig(∂μ/∂s) of the undelayed flow (max Re eig(J) − 1 in the VF form); null when no unit is active.</param>
/// <param name="CouplingRadius">max |eig(J)| (null when the local slopes differ: rho-prime form with the logistic).</param>
/// <param name="StableAtEveryDelay">(1 − dt) + dt·max |eig(J)| &lt; 1: no delay, however long, destabilises (null when the slopes differ).</param>
public sealed record SampleStability(int Sample, int ActiveUnits, int SaturatedUnits, double[] SpectralRadii, int? CriticalDelaySteps,
    double? ContinuousMargin, double? CouplingRadius, bool? StableAtEveryDelay);

/// <summary>Spectral radius at one delay over the samples.</summary>
public sealed record DelayRow(int DelaySteps, double DelayTau, double MedianRadius, double MinRadius, double MaxRadius, int UnstableSamples);

/// <summary>
/// Critical delay over the samples. A sample that stays stable up to the largest delay counts as beyond it, above every
/// measured one, so that the median is still the middle sample; a statistic that lands on such a sample is null.
/// </summary>
public sealed record CriticalDelaySummary(double? MedianSteps, int? MinSteps, int? MaxSteps, double? MedianTau, double? MinTau, double? MaxTau,
    int SamplesBeyondMaxDelay);

/// <summary>Median and range of a quantity over the samples.</summary>
public sealed record RangeSummary(double Median, double Min, double Max);

/// <summary>The outcome of <see cref="DelayedStability.Run"/>.</summary>
/// <param name="SamplesWithoutFixedPoint">Samples whose free dynamics did not settle (left out: there is nothing to linearise).</param>
public sealed record DelayedStabilityReport(double Dt, int MaxDelaySteps, int Samples, IReadOnlyList<int> SamplesWithoutFixedPoint,
    IReadOnlyList<DelayRow> Rows, CriticalDelaySummary CriticalDelay, RangeSummary? ContinuousMargin, RangeSummary? CouplingRadius,
    int SamplesStableAtEveryDelay, RangeSummary ActiveUnits, IReadOnlyList<SampleStability> PerSample);
