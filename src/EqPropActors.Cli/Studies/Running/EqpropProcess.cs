using System.Diagnostics;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// Runs this same eqprop as a child process (a study's training runs and gradient checks). A child per run keeps runs
/// apart (memory, threads, a crash) and lets --jobs run several at once; the child stops gently when this process is
/// gone (EQPROP_PARENT_PID), so no orphan keeps writing into a folder the next study run resumes.
/// </summary>
public static class EqpropProcess
{
    /// <summary>Runs <c>eqprop args</c>, appending what it prints to <paramref name="logFile"/>; when
    /// <paramref name="outputFile"/> is given, its standard output goes there instead, written whole and only when it
    /// exits with 0 (a gradient check's JSON). Returns the exit code. Cancelling sends SIGTERM, which a training run
    /// answers by saving its checkpoint, and then waits for the child to end. <paramref name="ranOn"/> names the
    /// machine in the log when the child runs for a study coordinated elsewhere (a cluster worker).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, string logFile, CancellationToken cancellation, string? outputFile = null,
        string? ranOn = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var info = EqpropChildProcess.StartInfo(typeof(EqpropProcess).Assembly.Location, args);
        info.RedirectStandardInput = true; // closed at once: a child never waits for a keyboard

        await using var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var gate = new object();
        void Write(string? line)
        {
            if (line is null)
                return;
            lock (gate)
                log.WriteLine(line);
        }
        await log.WriteLineAsync($"=== {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss}: eqprop {string.Join(' ', args.Select(Quote))}{(ranOn is null ? "" : $" (on {ranOn})")}");
        var standardOutput = outputFile is null ? null : new StringWriter();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (standardOutput is null)
                Write(e.Data);
            else if (e.Data is not null)
                lock (gate)
                    standardOutput.WriteLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await using (cancellation.Register(() => ProcessSignals.Send(process, ProcessSignals.Terminate)))
            await process.WaitForExitAsync(CancellationToken.None);
        process.WaitForExit(); // drains the redirected streams
        await log.WriteLineAsync($"=== exit code {process.ExitCode}");
        if (outputFile is not null && process.ExitCode == 0)
            AtomicFile.WriteAllBytes(outputFile, System.Text.Encoding.UTF8.GetBytes(standardOutput!.ToString()));
        return process.ExitCode;
    }

    private static string Quote(string arg) => arg.Contains(' ') ? $"\"{arg}\"" : arg;
}
