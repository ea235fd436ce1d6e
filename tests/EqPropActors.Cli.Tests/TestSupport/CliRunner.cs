using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace EqPropActors.Cli.Tests;

/// <summary>
/// Every test that calls <see cref="Program.Main"/> belongs to this collection: Main writes through the process-wide
/// <see cref="Console"/> and <see cref="AnsiConsole"/>, which the runner swaps, so these tests must not run in parallel.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}

/// <summary>What one in-process run of <c>eqprop</c> did.</summary>
public sealed record CliResult(string[] Args, int? ExitCode, string Output, Exception? Thrown)
{
    /// <summary>The output with line breaks removed, so that a message wrapped by the console still matches.</summary>
    public string Flat => Regex.Replace(Output, @"\r?\n", "");

    public override string ToString() =>
        $"eqprop {string.Join(' ', Args)}\nexit code: {ExitCode?.ToString() ?? "none"}\nthrown: {Thrown?.ToString() ?? "nothing"}\noutput:\n{Output}";
}

/// <summary>Runs the CLI in-process and captures everything it prints.</summary>
public static class CliRunner
{
    // Spectre.Console.Cli keeps the first AnsiConsole it sees (in a static) and writes later help screens there, so every
    // run gets the same console, writing through a sink that is pointed at each run's buffer.
    private static readonly ForwardingWriter Sink = new();

    private static readonly IAnsiConsole SharedConsole = CreateConsole();

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Sink),
        });
        console.Profile.Width = 240; // keeps messages on one line
        return console;
    }

    /// <summary>Options that make a training run take well under a second.</summary>
    public static readonly string[] SmallRun =
        ["--dataset", "synthetic", "--train-samples", "200", "--layers", "784,32,10", "--epochs", "2", "--batch-size", "20"];

    public static string[] Train(params string[] extra) => ["train", .. SmallRun, .. extra];

    public static CliResult Run(params string[] args) => Run(args, onLine: null, CancellationToken.None);

    /// <summary>
    /// Runs with <paramref name="cancellation"/> in place of Ctrl+C, calling <paramref name="onLine"/> with every
    /// line as it is printed, on the printing thread: a test can act at an exact moment of a run.
    /// </summary>
    public static CliResult Run(string[] args, Action<string>? onLine, CancellationToken cancellation)
    {
        var output = new StringWriter(new StringBuilder()) { NewLine = "\n" };
        var synchronized = TextWriter.Synchronized(onLine is null ? output : new LineWatchingWriter(output, onLine));
        var previousOut = Console.Out;
        var previousError = Console.Error;
        var previousAnsi = AnsiConsole.Console;
        int? exitCode = null;
        Exception? thrown = null;
        try
        {
            Sink.Target = synchronized;
            Console.SetOut(synchronized);
            Console.SetError(synchronized);
            // AnsiConsole binds to Console.Out the first time it is used, so it is swapped as well.
            AnsiConsole.Console = SharedConsole;
            exitCode = cancellation.CanBeCanceled ? Program.Run(args, cancellation) : Program.Main(args);
        }
        catch (Exception e)
        {
            thrown = e;
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            AnsiConsole.Console = previousAnsi;
            Sink.Target = TextWriter.Null;
        }
        synchronized.Flush();
        return new CliResult(args, exitCode, output.ToString(), thrown);
    }

    /// <summary>Runs and requires exit code 0 with nothing thrown.</summary>
    public static CliResult RunOk(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.Thrown is null && result.ExitCode == 0, $"expected success\n{result}");
        return result;
    }
}

/// <summary>A writer that passes everything to a target that can be changed.</summary>
internal sealed class ForwardingWriter : TextWriter
{
    public TextWriter Target { get; set; } = TextWriter.Null;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Target.Write(value);

    public override void Write(string? value) => Target.Write(value);

    public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);

    public override void Flush() => Target.Flush();
}

/// <summary>Passes everything to a target and reports each completed line.</summary>
internal sealed class LineWatchingWriter(TextWriter target, Action<string> onLine) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        target.Write(value);
        if (value != '\n')
        {
            _line.Append(value);
            return;
        }
        string line = _line.ToString().TrimEnd('\r');
        _line.Clear();
        onLine(line);
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "")
            Write(c);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        for (int i = index; i < index + count; i++)
            Write(buffer[i]);
    }

    public override void Flush() => target.Flush();
}
