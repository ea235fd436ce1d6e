namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// An .npz archive that cannot be read, with the archive and, where known, the entry at fault.
/// An IOException (InvalidDataException is sealed), so one catch handles a missing and a damaged checkpoint.
/// </summary>
public sealed class NpzFormatException : IOException
{
    public NpzFormatException(string archivePath, string? entryName, string problem, Exception? innerException = null)
        : base(entryName is null
                ? $"'{archivePath}': {problem}"
                : $"'{archivePath}', entry '{entryName}': {problem}",
            innerException)
    {
        ArchivePath = archivePath;
        EntryName = entryName;
    }

    public string ArchivePath { get; }

    public string? EntryName { get; }
}
