using System.Globalization;
using EqPropActors.Cli.Reporting;
using EqPropActors.Core.Tracing;
using ScottPlot;

namespace EqPropActors.Cli.Tracing;

/// <summary>
/// timeline.png for a trace of the async schedule, in wall time: one row per group with a mark at each of its steps,
/// and a line for each activity message from where its sender sent it to where its receiver took it in. Gaps in a row
/// are rests; slanted bundles show how long messages took and who waited for whom.
/// </summary>
public static class TimelinePlot
{
    public const string File = "timeline.png";

    /// <summary>Above this many messages the lines would cover the steps: each arrival is drawn as a tick coloured by
    /// its sender instead.</summary>
    public const int MaxMessageLines = 4000;

    private const int Width = 1200;

    /// <summary>Characters per title line that fit the image's width at the title's font size.</summary>
    private const int TitleLine = 110;

    public static void Write(string path, RelaxationTrace trace, TraceDescription description)
    {
        var groups = trace.Groups;
        long origin = trace.ClockOrigin;
        var rowOf = Enumerable.Range(0, groups.Count).ToDictionary(i => groups[i].Spec.Id);
        int messages = groups.Sum(g => g.Clock?.ReceivedCount ?? 0);
        bool lines = messages <= MaxMessageLines;
        string drawn = lines ? "lines: activity messages from the sender's send to the receiver's arrival, in the sender's colour"
            : $"ticks above a row: arrivals of activity, coloured by sender ({messages} messages, too many for lines)";
        using var plot = PlotCanvas.Create(
            $"Async relaxation timeline, {trace.Samples} probe samples: a mark | per step of each group\n{drawn}\n{Wrap(description.Schedule, TitleLine)}",
            "wall time since the first recorded event (ms)", "group (layer L, group G)");

        // Sent times by sender, phase and step, to draw each arrival from its departure.
        var sentAt = new Dictionary<(int Group, int Phase, int Step), double>();
        foreach (var group in groups)
        {
            if (group.Clock is not { } clock)
                continue;
            double[] seconds = clock.SentSeconds(origin);
            int[] phases = clock.SentPhases(), steps = clock.SentSteps();
            for (int i = 0; i < seconds.Length; i++)
                sentAt[(group.Spec.Id, phases[i], steps[i])] = seconds[i] * 1e3;
        }

        bool untracedLegend = false;
        for (int row = 0; row < groups.Count; row++)
        {
            var group = groups[row];
            if (group.Clock is not { } clock)
                continue;
            double[] times = clock.ReceivedSeconds(origin);
            int[] phases = clock.ReceivedPhases(), sources = clock.ReceivedSources(), steps = clock.ReceivedSteps();
            for (int i = 0; i < times.Length; i++)
            {
                double arrival = times[i] * 1e3;
                if (rowOf.TryGetValue(sources[i], out int senderRow) && lines && sentAt.TryGetValue((sources[i], phases[i], steps[i]), out double sent))
                {
                    var line = plot.Add.Line(sent, senderRow, arrival, row);
                    line.LineColor = PlotCanvas.ColorOf(senderRow).WithAlpha(0.35);
                    line.LineWidth = 1;
                }
                else
                {
                    // From a group not traced (or too many to draw as lines): a tick just above the receiver's row.
                    var color = rowOf.TryGetValue(sources[i], out int sender) ? PlotCanvas.ColorOf(sender) : Colors.Gray;
                    var tick = plot.Add.Markers(new[] { arrival }, new[] { row + 0.22 }, MarkerShape.VerticalBar, 6, color.WithAlpha(0.7));
                    if (!rowOf.ContainsKey(sources[i]) && !untracedLegend)
                    {
                        tick.LegendText = "arrival from a group not traced";
                        untracedLegend = true;
                    }
                }
            }
        }

        for (int row = 0; row < groups.Count; row++)
        {
            var group = groups[row];
            if (group.Clock is not { } clock)
                continue;
            double[] times = clock.StepSeconds(origin).Select(t => t * 1e3).ToArray();
            var marks = plot.Add.Markers(times, Enumerable.Repeat((double)row, times.Length).ToArray(), MarkerShape.VerticalBar, 14, PlotCanvas.ColorOf(row));
            marks.LegendText = $"{group.Spec.Name}: {group.Steps} steps, {clock.SentCount} sends, {clock.ReceivedCount} arrivals";
        }

        MarkPhaseStarts(plot, trace, origin);
        plot.Axes.Left.SetTicks(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(), groups.Select(g => g.Spec.Name).ToArray());
        plot.Axes.SetLimitsY(-0.6, groups.Count - 0.4);
        plot.ShowLegend(Edge.Right);
        PlotCanvas.SavePng(plot, path, Width, Math.Max(400, 160 + 90 * groups.Count));
    }

    /// <summary>Breaks a list of settings after its commas so that no line is wider than the image.</summary>
    private static string Wrap(string text, int width)
    {
        var lines = new List<string> { "" };
        foreach (string part in text.Split(", "))
        {
            string joined = lines[^1].Length == 0 ? part : lines[^1] + ", " + part;
            if (joined.Length <= width || lines[^1].Length == 0)
                lines[^1] = joined;
            else
            {
                lines[^1] += ",";
                lines.Add(part);
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>A dashed line where the first group took its first step of each phase after the first.</summary>
    private static void MarkPhaseStarts(Plot plot, RelaxationTrace trace, long origin)
    {
        for (int p = 1; p < trace.Phases.Count; p++)
        {
            double first = double.PositiveInfinity;
            foreach (var group in trace.Groups)
            {
                if (group.Clock is not { } clock)
                    continue;
                double[] seconds = clock.StepSeconds(origin);
                for (int s = 0; s < group.Steps; s++)
                    if (group.PhaseOf(s) == p)
                    {
                        first = Math.Min(first, seconds[s] * 1e3);
                        break;
                    }
            }
            if (double.IsFinite(first))
            {
                var phase = trace.Phases[p];
                var line = plot.Add.VerticalLine(first, 2, Colors.Black.WithAlpha(0.5), LinePattern.Dashed);
                line.LegendText = $"{phase.Name} phase starts (β = {phase.Beta.ToString("G3", CultureInfo.InvariantCulture)})";
            }
        }
    }
}
