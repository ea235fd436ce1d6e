using System.Globalization;
using System.Text;

namespace EqPropActors.Core.Training;

/// <summary>metrics.csv: one row per epoch, invariant culture, a header naming every column.</summary>
public static class MetricsCsv
{
    public static string Format(IReadOnlyList<EpochMetrics> rows)
    {
        int pairsWithFeedback = rows.Count == 0 ? 0 : rows[0].WeightAnglesDegrees.Length;
        // The probe measures every layer pair (1..L), the weight angles those with a feedback matrix (2..L).
        int probedPairs = pairsWithFeedback + 1;
        var text = new StringBuilder();
        text.Append("epoch,train_error,train_loss,test_error,test_loss,val_error,val_loss");
        for (int i = 0; i < pairsWithFeedback; i++)
            text.Append(CultureInfo.InvariantCulture, $",angle_pair{i + 2}_deg");
        text.Append(",free_nonconverged,nudged_nonconverged,free_residual,nudged_residual,messages,bytes,suppressed_messages,steps_per_group_phase,staleness,phase_seconds,seconds,samples_per_second,free_steps,nudged_steps,lost_messages,fresh_residual,stale_ended_phases");
        for (int i = 0; i < probedPairs; i++)
            text.Append(CultureInfo.InvariantCulture, $",probe_angle_pair{i + 1}_deg");
        text.AppendLine(",probe_jacobian_asymmetry");
        foreach (var row in rows)
        {
            // Without a validation split its cells stay empty (a missing value to pandas and NumPy's genfromtxt).
            text.Append(CultureInfo.InvariantCulture, $"{row.Epoch},{row.TrainError:R},{row.TrainLoss:R},{row.TestError:R},{row.TestLoss:R},{row.ValError:R},{row.ValLoss:R}");
            foreach (double angle in row.WeightAnglesDegrees)
                text.Append(CultureInfo.InvariantCulture, $",{angle:R}");
            text.Append(CultureInfo.InvariantCulture,
                $",{row.FreeNonConverged},{row.NudgedNonConverged},{row.MeanFreeResidual:R},{row.MeanNudgedResidual:R},{row.Messages},{row.Bytes},{row.SuppressedMessages},{row.MeanStepsPerGroupPhase:R},{row.MeanStaleness:R},{row.PhaseSeconds:R},{row.Seconds:R},{row.SamplesPerSecond:R},{row.MeanFreeSteps:R},{row.MeanNudgedSteps:R},{row.LostMessages},{row.FreshResidual:R},{row.StaleEndedPhases}");
            // Epochs without a probe leave its cells empty, like val_error without a split.
            for (int i = 0; i < probedPairs; i++)
                text.Append(CultureInfo.InvariantCulture, $",{row.ProbeAnglesDegrees?[i]:R}");
            text.AppendLine(CultureInfo.InvariantCulture, $",{row.ProbeJacobianAsymmetry:R}");
        }
        return text.ToString();
    }

    /// <summary>Reads back what <see cref="Format"/> wrote (used when a run is resumed).</summary>
    public static List<EpochMetrics> Parse(string text, string path)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
            return [];
        var header = lines[0].Split(',');
        int angles = header.Count(h => h.StartsWith("angle_pair", StringComparison.Ordinal));
        const int Leading = 7; // epoch, train, test and validation error and loss
        if (!header.Take(Leading).SequenceEqual(["epoch", "train_error", "train_loss", "test_error", "test_loss", "val_error", "val_loss"]))
            throw new FormatException($"{path}: the header does not start with epoch,train_error,train_loss,test_error,test_loss,val_error,val_loss (written by an older eqprop?)");
        // Files written before --T1 auto end at samples_per_second (their phases took T1 and T2 steps, unrecorded),
        // and those written before --drop-prob at nudged_steps (nothing was lost).
        // And those written before --probe-gradient-every at stale_ended_phases.
        int probes = header.Count(h => h.StartsWith("probe_angle_pair", StringComparison.Ordinal));
        int expected = Leading + angles + header[^1] switch
        {
            "probe_jacobian_asymmetry" => 17 + probes + 1, "stale_ended_phases" => 17, "lost_messages" => 15, "nudged_steps" => 14, _ => 12,
        };
        var rows = new List<EpochMetrics>();
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != expected)
                throw new FormatException($"{path}: line {i + 1} has {cells.Length} columns, expected {expected} as in its header");
            double D(int c) => double.Parse(cells[c], CultureInfo.InvariantCulture);
            int I(int c) => int.Parse(cells[c], CultureInfo.InvariantCulture);
            double? Optional(int c) => cells[c].Length == 0 ? null : D(c);
            int after = Leading + angles;
            int probeStart = after + 17;
            bool probed = header[^1] == "probe_jacobian_asymmetry" && cells[probeStart..].Any(c => c.Length > 0);
            rows.Add(new EpochMetrics
            {
                Epoch = I(0),
                TrainError = D(1),
                TrainLoss = D(2),
                TestError = D(3),
                TestLoss = D(4),
                ValError = Optional(5),
                ValLoss = Optional(6),
                WeightAnglesDegrees = Enumerable.Range(Leading, angles).Select(D).ToArray(),
                FreeNonConverged = I(after),
                NudgedNonConverged = I(after + 1),
                MeanFreeResidual = D(after + 2),
                MeanNudgedResidual = D(after + 3),
                Messages = long.Parse(cells[after + 4], CultureInfo.InvariantCulture),
                Bytes = long.Parse(cells[after + 5], CultureInfo.InvariantCulture),
                SuppressedMessages = long.Parse(cells[after + 6], CultureInfo.InvariantCulture),
                MeanStepsPerGroupPhase = D(after + 7),
                MeanStaleness = D(after + 8),
                PhaseSeconds = D(after + 9),
                Seconds = D(after + 10),
                SamplesPerSecond = D(after + 11),
                MeanFreeSteps = cells.Length > after + 12 ? D(after + 12) : 0,
                MeanNudgedSteps = cells.Length > after + 13 ? D(after + 13) : 0,
                LostMessages = cells.Length > after + 14 ? long.Parse(cells[after + 14], CultureInfo.InvariantCulture) : 0,
                FreshResidual = cells.Length > after + 15 ? Optional(after + 15) : null,
                StaleEndedPhases = cells.Length > after + 16 ? long.Parse(cells[after + 16], CultureInfo.InvariantCulture) : 0,
                ProbeAnglesDegrees = probed ? Enumerable.Range(probeStart, probes).Select(D).ToArray() : null,
                ProbeJacobianAsymmetry = probed ? Optional(probeStart + probes) : null,
            });
        }
        return rows;
    }
}
