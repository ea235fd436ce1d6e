using System.Diagnostics;

namespace EqPropActors.Core.Tests;

/// <summary>
/// A python3 that imports numpy, to check our .npz files against real NumPy. The first python3 on PATH may be a
/// pyenv build without numpy while Debian's python3-numpy lives in /usr/bin/python3, so both are tried.
/// </summary>
public static class PythonWithNumPy
{
    private static readonly string[] Candidates = ["python3", "/usr/bin/python3"];
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>The interpreter; fails the test when there is none (NumPy is a test requirement, not an option).</summary>
    public static string Require() => Found.Value
        ?? throw new Xunit.Sdk.XunitException("no python3 with numpy found: run 'apt-get install -y python3-numpy' (as .ci/run does)");

    private static string? Find() =>
        Candidates.FirstOrDefault(python => TryRun(python, ["-c", "import numpy"], out _, out _) == 0);

    public static string Run(string python, string script, string argument)
    {
        var exitCode = TryRun(python, ["-c", script, argument], out var standardOutput, out var standardError);
        Assert.True(exitCode == 0, $"{python} exited with {exitCode}: {standardError}");
        return standardOutput;
    }

    private static int? TryRun(string program, string[] arguments, out string standardOutput, out string standardError)
    {
        var startInfo = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(startInfo)!;
            var errorTask = process.StandardError.ReadToEndAsync();
            standardOutput = process.StandardOutput.ReadToEnd();
            standardError = errorTask.Result;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            // The program is not installed at all.
            standardOutput = "";
            standardError = exception.Message;
            return null;
        }
    }
}
