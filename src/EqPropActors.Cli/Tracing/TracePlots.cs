using System.Globalization;
using EqPropActors.Cli.Reporting;
using EqPropActors.Core.Tracing;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace EqPropActors.Cli.Tracing;

/// <summary>
/// The plots of a trace, each readable on its own: a few neurons' states per group over both phases, the residual per
/// step on a log scale, and the output units moving towards the target under the nudge. Every plot marks where each
/// phase after the first begins, and is drawn for the first probe sample (the residual plot: the worst sample).
/// </summary>
public static class TracePlots
{
    public const string NeuronStates = "neuron_states.png";
    public const string Residuals = "residuals.png";
    public const string OutputNudge = "output_nudge.png";

    /// <summary>The plots over steps, written for every trace (the nudge plot when the output group is traced).</summary>
    public static IReadOnlyList<string> StepPlots { get; } = [NeuronStates, Residuals, OutputNudge];

    /// <summary>Every plot a trace folder may hold: the step plots and, for the async schedule, the timeline.</summary>
    public static IReadOnlyList<string> Files { get; } = [.. StepPlots, TimelinePlot.File];

    /// <summary>How many neurons per group the state plot shows: the ones that move most, where the dynamics are.</summary>
    public const int NeuronsPerGroup = 3;

    private const int Width = 1000, Height = 560;

    /// <param name="outputLayer">The network's output layer: its group, when traced, gets the nudge plot.</param>
    public static void Write(string directory, RelaxationTrace trace, TraceDescription description, int outputLayer)
    {
        WriteNeuronStates(Path.Combine(directory, NeuronStates), trace, description);
        WriteResiduals(Path.Combine(directory, Residuals), trace, description);
        if (trace.Groups.FirstOrDefault(g => g.Spec.Layer == outputLayer) is { } output)
            WriteOutputNudge(Path.Combine(directory, OutputNudge), trace, description, output);
        if (trace.HasGroupClocks)
            TimelinePlot.Write(Path.Combine(directory, TimelinePlot.File), trace, description);
    }

    /// <summary>The x of each recorded step of a group, 1-based: the step count, or under the async schedule the
    /// group's clock on the common axis of simulated time (a group that rested has gaps).</summary>
    private static double[] StepAxis(RelaxationTrace trace, GroupTrace group) =>
        Enumerable.Range(0, group.Steps).Select(s => trace.PositionOf(group, s) + 1.0).ToArray();

    private static string StepLabel(RelaxationTrace trace) =>
        trace.HasGroupClocks ? "step on each group's clock (time / dt; free phase, then nudged)" : "step (free phase, then nudged)";

    private static void WriteNeuronStates(string path, RelaxationTrace trace, TraceDescription description)
    {
        using var plot = PlotCanvas.Create(
            $"State of the {NeuronsPerGroup} most active neurons per group, probe sample 0 ({description.ProbeSet} #{description.SampleIndices[0]})",
            StepLabel(trace), "state s");
        int series = 0;
        foreach (var group in trace.Groups)
        {
            double[] steps = StepAxis(trace, group);
            var units = Enumerable.Range(0, group.Units)
                .OrderByDescending(u => Range(group, u)).ThenBy(u => u).Take(NeuronsPerGroup).Order();
            foreach (int unit in units)
            {
                var line = plot.Add.ScatterLine(steps, Enumerable.Range(0, group.Steps).Select(s => (double)group.StateAt(s, 0, unit)).ToArray(),
                    PlotCanvas.ColorOf(series / NeuronsPerGroup));
                line.LegendText = $"{group.Spec.Name} unit {unit} (layer {group.Spec.Layer} unit {group.Spec.Offset + unit})";
                line.LinePattern = (series % NeuronsPerGroup) switch { 0 => LinePattern.Solid, 1 => LinePattern.Dashed, _ => LinePattern.Dotted };
                line.MarkerSize = 0;
                series++;
            }
        }
        MarkPhases(plot, trace);
        plot.ShowLegend(Edge.Right);
        PlotCanvas.SavePng(plot, path, Width, Height);
    }

    private static double Range(GroupTrace group, int unit)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int s = 0; s < group.Steps; s++)
        {
            double value = group.StateAt(s, 0, unit);
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        return max - min;
    }

    private static void WriteResiduals(string path, RelaxationTrace trace, TraceDescription description)
    {
        using var plot = PlotCanvas.Create(
            // The async schedule judges a group's rest per its own step length dt/τ_g, and records the residual so.
            $"Residual ‖s_t − s_(t−1)‖/{(trace.HasGroupClocks ? "(dt/τ_g)" : "dt")} per group, the largest over the {trace.Samples} probe samples",
            StepLabel(trace), "residual (log scale)");
        for (int g = 0; g < trace.Groups.Count; g++)
        {
            var group = trace.Groups[g];
            double[] steps = StepAxis(trace, group);
            // log10 of the values with the axis labelled in powers of ten: ScottPlot draws no logarithmic axis itself.
            var logs = Enumerable.Range(0, group.Steps)
                .Select(s => Math.Log10(Enumerable.Range(0, trace.Samples).Max(sample => (double)group.ResidualAt(s, sample))))
                .ToArray();
            int[] finite = Enumerable.Range(0, logs.Length).Where(i => double.IsFinite(logs[i])).ToArray(); // a step of 0 has no logarithm
            var line = plot.Add.ScatterLine(finite.Select(i => steps[i]).ToArray(), finite.Select(i => logs[i]).ToArray(), PlotCanvas.ColorOf(g));
            line.LegendText = group.Spec.Name;
            line.MarkerSize = 0;
        }
        var tolerance = plot.Add.HorizontalLine(Math.Log10(description.Tolerance), 1, Colors.Black.WithAlpha(0.6), LinePattern.Dashed);
        tolerance.LegendText = $"tolerance {description.Tolerance.ToString("G3", CultureInfo.InvariantCulture)}";
        var ticks = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new LogMinorTickGenerator(),
            LabelFormatter = exponent => "1e" + exponent.ToString("0", CultureInfo.InvariantCulture),
        };
        plot.Axes.Left.TickGenerator = ticks;
        MarkPhases(plot, trace);
        plot.ShowLegend(Edge.Right);
        PlotCanvas.SavePng(plot, path, Width, Height);
    }

    private static void WriteOutputNudge(string path, RelaxationTrace trace, TraceDescription description, GroupTrace output)
    {
        int label = description.Labels[0];
        double[] steps = StepAxis(trace, output);
        using var plot = PlotCanvas.Create(
            $"Output units of probe sample 0 ({description.ProbeSet} #{description.SampleIndices[0]}, class {label}) pulled towards the target by the nudge",
            StepLabel(trace), "output state s");
        for (int unit = 0; unit < output.Units; unit++)
        {
            bool target = unit == label;
            var line = plot.Add.ScatterLine(steps, Enumerable.Range(0, output.Steps).Select(s => (double)output.StateAt(s, 0, unit)).ToArray(),
                target ? Colors.Red : Colors.Gray.WithAlpha(0.7));
            line.LegendText = target ? $"unit {unit}: the label (target 1)" : unit == (label == 0 ? 1 : 0) ? "other units (target 0)" : "";
            line.LineWidth = target ? 3 : 1;
            line.MarkerSize = 0;
        }
        var one = plot.Add.HorizontalLine(1, 1, Colors.Red.WithAlpha(0.6), LinePattern.Dotted);
        one.LegendText = $"target of unit {label}";
        MarkPhases(plot, trace);
        plot.ShowLegend(Edge.Right);
        PlotCanvas.SavePng(plot, path, Width, Height);
    }

    /// <summary>A vertical line where each phase after the first begins (between its first step and the step before).</summary>
    private static void MarkPhases(Plot plot, RelaxationTrace trace)
    {
        foreach (var phase in trace.Phases.Skip(1))
        {
            var line = plot.Add.VerticalLine(phase.FirstStep + 0.5, 2, Colors.Black.WithAlpha(0.5), LinePattern.Dashed);
            line.LegendText = $"{phase.Name} phase starts (β = {phase.Beta.ToString("G3", CultureInfo.InvariantCulture)})";
        }
    }
}
