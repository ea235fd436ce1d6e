using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace EqPropActors.Cli.Bench;

/// <summary>
/// The PyTorch implementation of the same algorithm (bench/peers/pytorch_vfep.py, copied next to the program), run
/// as a child process by a Python interpreter that can import torch.
/// </summary>
public sealed class PyTorchPeer
{
    public const string InstallHint = "apt-get install -y python3-torch libopenblas0-pthread";

    /// <summary>Where the build puts the script (see the Cli project file).</summary>
    public static string ScriptPath { get; } = Path.Combine(AppContext.BaseDirectory, "peers", "pytorch_vfep.py");

    private static readonly TimeSpan ImportTimeout = TimeSpan.FromSeconds(60);

    private PyTorchPeer(string python, string torchVersion) => (Python, TorchVersion) = (python, torchVersion);

    public string Python { get; }
    public string TorchVersion { get; }

    /// <summary>
    /// The first of $EQPROP_PYTHON, python3 and /usr/bin/python3 that imports torch; null with the reason (what was
    /// tried, what to install) when none does.
    /// </summary>
    public static PyTorchPeer? Find(out string whyNot) => Find(Candidates(), out whyNot);

    /// <summary>The first of <paramref name="candidates"/> (interpreter names or paths) that imports torch.</summary>
    internal static PyTorchPeer? Find(IEnumerable<string> candidates, out string whyNot)
    {
        var tried = new List<string>();
        foreach (string python in candidates)
        {
            var (exitCode, output, error) = RunProcess(python, ["-c", "import torch; print(torch.__version__)"], ImportTimeout);
            if (exitCode == 0)
            {
                whyNot = "";
                return new PyTorchPeer(python, output.Trim());
            }
            tried.Add($"{python}: {LastLine(error)}");
        }
        whyNot = $"no Python that can import torch was found ({string.Join("; ", tried)}). Install it with `{InstallHint}` " +
            "(Debian's torch uses OpenBLAS only with libopenblas0-pthread), or point $EQPROP_PYTHON at an interpreter that has torch.";
        return null;
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("EQPROP_PYTHON") is { Length: > 0 } chosen)
            yield return chosen;
        yield return "python3";
        yield return "/usr/bin/python3";
    }

    /// <summary>Samples per second of the peer on one configuration, training as long as we do.</summary>
    public PeerResult Bench(BenchConfiguration configuration, int threads, double seconds)
    {
        using var result = Run(["bench", "--layers", string.Join(",", configuration.Layers), "--T1", Text(configuration.T1), "--T2", Text(configuration.T2),
            "--batch", Text(configuration.Batch), "--threads", Text(threads), "--seconds", seconds.ToString("R", CultureInfo.InvariantCulture),
            "--dt", BenchMeasurement.Dt.ToString("R", CultureInfo.InvariantCulture), "--beta", BenchMeasurement.Beta.ToString("R", CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(120 + 4 * seconds));
        var root = result.RootElement;
        return new PeerResult(root.GetProperty("samples_per_second").GetDouble(), root.GetProperty("blas").GetString() ?? "unknown");
    }

    /// <summary>One training minibatch from the weights and data in <paramref name="input"/>; writes the updated weights to <paramref name="output"/>.</summary>
    public void Check(string input, string output) =>
        Run(["check", "--input", input, "--output", output], TimeSpan.FromSeconds(120)).Dispose();

    /// <summary>Runs the script; its stdout is one JSON object. Anything else is an error that names the command.</summary>
    private JsonDocument Run(string[] arguments, TimeSpan timeout)
    {
        if (!File.Exists(ScriptPath))
            throw new FileNotFoundException($"the PyTorch peer's script is missing (expected at {ScriptPath}; the build copies it there)", ScriptPath);
        var (exitCode, output, error) = RunProcess(Python, [ScriptPath, .. arguments], timeout);
        string command = $"{Python} {ScriptPath} {string.Join(' ', arguments)}";
        if (exitCode != 0)
            throw new PeerFailedException($"the PyTorch peer failed (exit code {exitCode}): {command}\n{error.Trim()}");
        try
        {
            return JsonDocument.Parse(output);
        }
        catch (JsonException e)
        {
            throw new PeerFailedException($"the PyTorch peer printed no JSON object: {command}\n{output.Trim()}", e);
        }
    }

    private static (int ExitCode, string Output, string Error) RunProcess(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", e.Message); // not installed: the caller tries the next interpreter or reports it
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "", $"no answer within {timeout.TotalSeconds:F0} s");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "failed";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The peer's script failed or printed no result; the message holds its command and its error output.</summary>
public sealed class PeerFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What the peer measured, and the BLAS library its torch loaded.</summary>
public sealed record PeerResult(double SamplesPerSecond, string Blas);
