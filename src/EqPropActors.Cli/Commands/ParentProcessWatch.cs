using EqPropActors.Cluster.Hosting;

namespace EqPropActors.Cli.Commands;

/// <summary>
/// A process started by another eqprop (a study's training runs, a benchmark's or a test's workers) stops, gently,
/// when the process that started it is gone, however that one ended: an orphan would go on writing into a folder
/// that the next study run is about to resume.
/// </summary>
public static class ParentProcessWatch
{
    /// <summary>Cancels <paramref name="stop"/> once the process named by EQPROP_PARENT_PID has exited (no-op without it).</summary>
    public static void StopWhenGone(CancellationTokenSource stop, string who)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(LocalWorkers.ParentProcessVariable), out int parentId))
            return;
        Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!IsRunning(parentId))
                {
                    Console.Error.WriteLine($"{who}: the process that started it ({parentId}) is gone; stopping");
                    await stop.CancelAsync();
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        });
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
