using System.Globalization;
using EqPropActors.Core.Analysis;
using Spectre.Console;

namespace EqPropActors.Cli.Commands;

/// <summary>The human-readable form of a <see cref="DelayedStabilityReport"/>: the radius per delay, then the critical delay and margin.</summary>
internal static class StabilityTable
{
    public static void Print(DelayedStabilityReport report, string weights, Core.Network.DynamicsForm form)
    {
        int analysed = report.PerSample.Count;
        var table = new Table().AddColumns("delay (steps)", "delay (τ)", "spectral radius: median", "min", "max", "samples ≥ 1");
        foreach (var row in report.Rows)
            table.AddRow(row.DelaySteps.ToString(CultureInfo.InvariantCulture), Tau(row.DelayTau), Radius(row.MedianRadius), Radius(row.MinRadius),
                Radius(row.MaxRadius), $"{row.UnstableSamples}/{analysed}");
        AnsiConsole.Write(table);

        var critical = report.CriticalDelay;
        string beyond = $"> {report.MaxDelaySteps} steps";
        string Steps(double? steps, double? tau) => steps is { } s && tau is { } t ? $"{s.ToString("0.#", CultureInfo.InvariantCulture)} steps = {Tau(t)} τ" : beyond;
        Console.WriteLine(critical.SamplesBeyondMaxDelay == analysed
            ? $"Critical delay (the first d whose spectral radius is ≥ 1): none up to d = {report.MaxDelaySteps} ({Tau(report.MaxDelaySteps * report.Dt)} τ) in any of the {analysed} samples."
            : $"Critical delay (the first d whose spectral radius is ≥ 1): median {Steps(critical.MedianSteps, critical.MedianTau)}, " +
              $"range {Steps(critical.MinSteps, critical.MinTau)} to {Steps(critical.MaxSteps, critical.MaxTau)}; " +
              $"{critical.SamplesBeyondMaxDelay} of {analysed} samples stay below 1 up to d = {report.MaxDelaySteps}.");
        if (report.CouplingRadius is { } coupling)
            Console.WriteLine($"max |eig(J)|: median {Margin(coupling.Median)}, range {Margin(coupling.Min)} to {Margin(coupling.Max)}; " +
                $"{report.SamplesStableAtEveryDelay} of {analysed} samples have (1 − dt) + dt·max |eig(J)| < 1 and are stable at every delay, however long.");
        if (report.ContinuousMargin is { } margin)
            Console.WriteLine($"Undelayed continuous-time margin max Re eig(∂μ/∂s) (= max Re eig(J) − 1 in the VF form): median {Margin(margin.Median)}, " +
                $"range {Margin(margin.Min)} to {Margin(margin.Max)} (negative: ds/dt = μ(s) is locally stable without delay).");
        Console.WriteLine($"Linearised at the free fixed points of training samples 0..{report.Samples - 1} at {weights}, dt = {Tau(report.Dt)} τ: " +
            (form == Core.Network.DynamicsForm.Vf
                ? "e_(t+1) = (1 − dt) e_t + dt·J e_(t−d), J = W·diag(ρ'(s*))"
                // ρ'(s) multiplies the drive and reads the unit's own state: that part of ∂μ/∂s is undelayed.
                : "e_(t+1) = (1 + dt·D) e_t + dt·J e_(t−d), D = diag(ρ''(s*)·u − 1) the own-state part (u the drive) and J = diag(ρ'(s*))·W·diag(ρ'(s*)) the neighbours' part,") +
            " over the units the clip does not hold " +
            $"(median {report.ActiveUnits.Median.ToString("0.#", CultureInfo.InvariantCulture)}, range {report.ActiveUnits.Min}–{report.ActiveUnits.Max}).");
        if (report.SamplesWithoutFixedPoint.Count > 0)
            Console.WriteLine($"Left out, no free fixed point reached: {report.SamplesWithoutFixedPoint.Count} sample(s) ({string.Join(", ", report.SamplesWithoutFixedPoint)}).");
    }

    private static string Radius(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Margin(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Tau(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
