using System.IO.Compression;

namespace EqPropActors.Core.Checkpoints;

/// <summary>
/// A set of named arrays stored as NumPy's .npz: a zip archive with one NAME.npy entry per
/// array, readable with <c>numpy.load(path)[NAME]</c>.
/// </summary>
public sealed class NpzArchive
{
    private const string EntrySuffix = ".npy";

    private readonly Dictionary<string, NpyArray> _arraysByName;

    private NpzArchive(string path, IReadOnlyList<NpyArray> arrays)
    {
        Path = path;
        Arrays = arrays;
        _arraysByName = arrays.ToDictionary(array => array.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>The arrays in the order they are stored in the archive.</summary>
    public IReadOnlyList<NpyArray> Arrays { get; }

    public NpyArray this[string name] =>
        _arraysByName.TryGetValue(name, out var array)
            ? array
            : throw new NpzFormatException(
                Path,
                name + EntrySuffix,
                $"missing entry (the archive holds: {string.Join(", ", _arraysByName.Keys.Select(key => $"'{key}'"))})");

    public bool Contains(string name) => _arraysByName.ContainsKey(name);

    /// <summary>Writes the arrays atomically, so an interrupted save keeps the previous checkpoint.</summary>
    public static void Write(string path, IEnumerable<NpyArray> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var arrayList = arrays.ToList();
        var duplicate = arrayList.GroupBy(array => array.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two arrays are named '{duplicate.Key}'; names in one archive must be unique.", nameof(arrays));
        }

        AtomicFile.Write(path, stream =>
        {
            // leaveOpen: AtomicFile still has to flush the file to disk after the zip's central directory is written.
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var array in arrayList)
            {
                // Fastest: weights barely compress, so stronger levels only cost time.
                var entry = zip.CreateEntry(array.Name + EntrySuffix, CompressionLevel.Fastest);
                using var entryStream = entry.Open();
                NpyFormat.Write(entryStream, array);
            }
        });
    }

    public static NpzArchive Read(string path)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(fullPath);
        }
        catch (InvalidDataException exception)
        {
            throw new NpzFormatException(fullPath, null, $"not a readable zip archive ({exception.Message})", exception);
        }

        using (zip)
        {
            var arrays = new List<NpyArray>();
            var seenEntryNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (!seenEntryNames.Add(entry.FullName))
                {
                    throw new NpzFormatException(fullPath, entry.FullName, "the entry appears twice");
                }
                arrays.Add(ReadEntry(fullPath, entry));
            }
            return new NpzArchive(fullPath, arrays);
        }
    }

    private static NpyArray ReadEntry(string archivePath, ZipArchiveEntry entry)
    {
        if (!entry.FullName.EndsWith(EntrySuffix, StringComparison.Ordinal))
        {
            throw new NpzFormatException(archivePath, entry.FullName, $"not an array: entry names must end in '{EntrySuffix}'");
        }
        var name = entry.FullName[..^EntrySuffix.Length];
        try
        {
            using var entryStream = entry.Open();
            return NpyFormat.Read(entryStream, name);
        }
        catch (Exception exception) when (exception is InvalidDataException or ArgumentException)
        {
            // InvalidDataException covers both a bad .npy and a damaged compressed stream;
            // ArgumentException a name or shape that NpyArray refuses.
            throw new NpzFormatException(archivePath, entry.FullName, exception.Message, exception);
        }
    }
}
