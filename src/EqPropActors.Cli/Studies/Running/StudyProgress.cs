using System.Diagnostics;
using Spectre.Console;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// The whole study's progress: runs done, running and left, and an ETA from the mean time of the runs finished in
/// this session (runs found finished are not counted in it). A live bar on a terminal; plain lines in logs and CI.
/// </summary>
public sealed class StudyProgress : IStudyProgress
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly HashSet<string> _running = [];
    private ProgressTask? _bar;
    private int _total, _done, _finishedHere, _toDo;

    /// <summary>Runs <paramref name="work"/> with a live bar when the console is interactive, else with plain lines.</summary>
    public static async Task<T> RunAsync<T>(Func<StudyProgress, Task<T>> work)
    {
        var progress = new StudyProgress();
        if (!AnsiConsole.Profile.Capabilities.Interactive)
            return await work(progress);
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(Reporting.ProgressDisplay.Columns())
            .StartAsync(async context =>
            {
                progress._bar = context.AddTask("study", maxValue: 1);
                result = await work(progress);
            });
        return result;
    }

    public void Started(int total, int alreadyDone, int toDo)
    {
        lock (_gate)
        {
            (_total, _done, _toDo) = (total, alreadyDone, toDo);
            if (_bar is not null)
            {
                _bar.MaxValue = Math.Max(1, total);
                _bar.Value = alreadyDone;
            }
            Say($"study: {total} runs, {alreadyDone} already finished, {toDo} to do");
            Refresh();
        }
    }

    public void RunStarted(StudyRun run, string? where)
    {
        lock (_gate)
        {
            _running.Add(run.Describe());
            if (where is not null) // on a cluster, which worker has which run is worth a line of the log
                Say($"{run.Describe()}: started on {where}");
            Refresh();
        }
    }

    public void RunEnded(StudyRun run, string outcome, TimeSpan took, bool cancelled)
    {
        lock (_gate)
        {
            _running.Remove(run.Describe());
            if (!cancelled)
            {
                _done++;
                _finishedHere++;
            }
            _bar?.Value(_done);
            string eta = _finishedHere == 0 ? "" : $", ETA {Eta():hh\\:mm\\:ss}";
            Say($"[{_done}/{_total}] {run.Describe()}: {outcome} ({took.TotalSeconds:F0} s){eta}");
            Refresh();
        }
    }

    /// <summary>A line about the study as a whole (a cluster's workers coming and going), above the live bar.</summary>
    public void Notice(string line)
    {
        lock (_gate)
            Say(line);
    }

    /// <summary>Time left if the runs still to do take as long as those finished here did (runs go in parallel).</summary>
    private TimeSpan Eta()
    {
        int left = _toDo - _finishedHere;
        return TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _finishedHere * left);
    }

    private void Refresh()
    {
        if (_bar is not null)
            _bar.Description = Markup.Escape($"study {_done}/{_total}" + (_running.Count > 0 ? $", running: {string.Join("; ", _running)}" : ""));
    }

    private void Say(string line)
    {
        if (_bar is null)
            Console.WriteLine(line);
        else
            AnsiConsole.MarkupLine(Markup.Escape(line));
    }
}
