namespace EqPropActors.Core.Tracing;

/// <summary>
/// Replaces a trace folder as a whole: everything is written into a hidden staging folder beside it, which then takes
/// the old folder's place, so a reader never finds a new trace.npz next to the old plots, and an interrupted trace
/// leaves the earlier one complete. A folder holding files that a trace does not write is refused, untouched, so that
/// <c>--out</c> pointed at the wrong folder cannot delete anything else.
/// </summary>
public static class TraceFolder
{
    public static void Replace(string path, IReadOnlySet<string> traceFiles, Action<string> write)
    {
        string target = Path.GetFullPath(path);
        if (File.Exists(target))
            throw new IOException($"--out {path}: '{target}' is a file, not a folder; nothing was changed");
        if (Directory.Exists(target))
        {
            var foreign = Directory.EnumerateFileSystemEntries(target).Select(e => Path.GetFileName(e)!)
                .Where(name => !traceFiles.Contains(name)).Order(StringComparer.Ordinal).ToArray();
            if (foreign.Length > 0)
                throw new IOException(
                    $"--out {path}: '{target}' holds {string.Join(", ", foreign.Take(5))}{(foreign.Length > 5 ? ", ..." : "")}, which a trace does not write; nothing was changed. Give another --out, or remove the folder yourself");
        }
        string parent = Path.GetDirectoryName(target) ?? throw new IOException($"--out {path}: '{target}' is a root, not a folder for a trace");
        Directory.CreateDirectory(parent);
        string name = Path.GetFileName(target);
        string staging = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.tmp");
        string retired = Path.Combine(parent, $".{name}.{Guid.NewGuid():N}.old");
        Directory.CreateDirectory(staging);
        try
        {
            write(staging);
            // Two renames, not one: Linux cannot swap a folder for a non-empty one. Between them the folder is briefly
            // absent, never half-written.
            if (Directory.Exists(target))
                Directory.Move(target, retired);
            Directory.Move(staging, target);
        }
        catch
        {
            if (!Directory.Exists(target) && Directory.Exists(retired))
                Directory.Move(retired, target);
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
            throw;
        }
        if (Directory.Exists(retired))
            Directory.Delete(retired, recursive: true);
    }
}
