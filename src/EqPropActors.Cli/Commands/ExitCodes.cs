namespace EqPropActors.Cli.Commands;

public static class ExitCodes
{
    public const int Success = 0;
    public const int BadInput = 2;
    public const int Diverged = 3;
    public const int Failure = 1;

    /// <summary>Stopped by Ctrl+C or SIGTERM: 128 + SIGINT, the shell's convention.</summary>
    public const int Interrupted = 130;
}
