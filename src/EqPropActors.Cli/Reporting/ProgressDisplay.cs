using System.Diagnostics;
using Spectre.Console;

namespace EqPropActors.Cli.Reporting;

/// <summary>
/// Progress of long work: a live bar per epoch with ETA on a terminal, plain lines (every 10 %) when output is
/// redirected or in CI, so that logs stay readable.
/// </summary>
public abstract class ProgressDisplay
{
    public abstract void StartEpoch(int epoch, int totalSamples);
    public abstract void Advance(int samplesDone);
    public abstract void Evaluating();
    public abstract void EndEpoch(string summary);

    /// <summary>Shows <paramref name="remainingEpochs"/> epochs of a run of <paramref name="totalEpochs"/> ("epoch 3/5").</summary>
    public static void Run(int remainingEpochs, int totalEpochs, Action<ProgressDisplay> work)
    {
        int epochs = totalEpochs;
        if (remainingEpochs <= 0 || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            work(new PlainLines(epochs));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(Columns())
            .Start(context => work(new LiveBars(context, epochs)));
    }

    /// <summary>The columns of every live progress display: what, bar, percentage, elapsed, remaining.</summary>
    public static ProgressColumn[] Columns() =>
    [
        new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
        new ElapsedTimeColumn(), new RemainingTimeColumn(),
    ];

    private sealed class LiveBars(ProgressContext context, int epochs) : ProgressDisplay
    {
        private ProgressTask? _task;
        private int _epoch;

        public override void StartEpoch(int epoch, int totalSamples)
        {
            _epoch = epoch;
            _task = context.AddTask($"epoch {epoch}/{epochs}", maxValue: totalSamples);
        }

        public override void Advance(int samplesDone) => _task!.Value = samplesDone;

        public override void Evaluating() => _task!.Description = $"epoch {_epoch}/{epochs} evaluating";

        public override void EndEpoch(string summary)
        {
            _task!.Description = $"epoch {_epoch}/{epochs} {Markup.Escape(summary)}";
            _task.StopTask();
        }
    }

    private sealed class PlainLines(int epochs) : ProgressDisplay
    {
        private readonly Stopwatch _clock = new();
        private int _epoch, _total, _nextReport;

        public override void StartEpoch(int epoch, int totalSamples)
        {
            (_epoch, _total, _nextReport) = (epoch, totalSamples, totalSamples / 10);
            _clock.Restart();
        }

        public override void Advance(int samplesDone)
        {
            if (samplesDone < _nextReport || samplesDone >= _total)
                return;
            _nextReport += Math.Max(1, _total / 10);
            double eta = _clock.Elapsed.TotalSeconds * (_total - samplesDone) / samplesDone;
            Console.WriteLine($"epoch {_epoch}/{epochs}: {100.0 * samplesDone / _total:F0}% ({samplesDone}/{_total}), ETA {eta:F0} s");
        }

        public override void Evaluating()
        {
        }

        public override void EndEpoch(string summary) => Console.WriteLine($"epoch {_epoch}/{epochs}: {summary}");
    }
}
