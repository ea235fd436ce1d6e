namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new content,
/// never a half-written file: the content goes to a temporary file in the same directory
/// (a rename is only atomic within one file system), is flushed to disk, and then replaces
/// the target with a rename.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlyMemory<byte> content) =>
        Write(path, stream => stream.Write(content.Span));

    /// <summary>
    /// Calls <paramref name="writeContent"/> with a stream to the temporary file. If it throws,
    /// the target is left as it was and the temporary file is removed.
    /// </summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(writeContent);

        var targetPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(targetPath)
            ?? throw new ArgumentException($"'{targetPath}' names a root, not a file.", nameof(path));
        if (!Directory.Exists(directory))
        {
            throw new AtomicWriteException(
                targetPath,
                $"directory '{directory}' does not exist",
                new DirectoryNotFoundException(directory));
        }

        // Hidden and unique, so a crash leaves no file that looks like a real output and
        // two writers of the same target never share a temporary file.
        var temporaryPath = Path.Combine(directory, $".{Path.GetFileName(targetPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                writeContent(stream);
                // Without this the rename could reach the disk before the data does, and a
                // power loss would leave an empty or truncated file under the target name.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporaryPath, targetPath, overwrite: true);
        }
        catch (Exception exception)
        {
            TryDelete(temporaryPath);
            if (exception is (IOException or UnauthorizedAccessException) and not AtomicWriteException)
            {
                throw new AtomicWriteException(targetPath, exception.Message, exception);
            }
            throw;
        }
    }

    private static void TryDelete(string temporaryPath)
    {
        try
        {
            File.Delete(temporaryPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one worth reporting; a leftover hidden .tmp file is harmless.
        }
    }
}
