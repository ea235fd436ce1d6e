namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// Raised when <see cref="AtomicFile"/> cannot put a file in place. It derives from
/// <see cref="IOException"/> so callers can handle all file trouble in one catch, and it
/// keeps the original IOException or UnauthorizedAccessException as the inner exception.
/// </summary>
public sealed class AtomicWriteException : IOException
{
    public AtomicWriteException(string targetPath, string problem, Exception innerException)
        : base($"Could not write '{targetPath}': {problem}", innerException)
    {
        TargetPath = targetPath;
    }

    public string TargetPath { get; }
}
