using System.Globalization;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Cli.Studies.Running;

/// <summary>
/// A file the coordinator writes into the study folder, holding something no other folder holds, so that a worker
/// can tell cheaply whether it sees the same folder at the same absolute path (a shared file system) before it
/// gets runs whose folders, logs and results would otherwise land where nobody reads them. Deleted on dispose.
/// </summary>
public sealed class SharedFolderProbe : IDisposable
{
    public const string FileName = ".cluster-probe";

    private SharedFolderProbe(string path, string contents) => (Path, Contents) = (path, contents);

    public string Path { get; }

    public string Contents { get; }

    public static SharedFolderProbe Write(string folder)
    {
        string contents = string.Create(CultureInfo.InvariantCulture,
            $"eqprop study coordinator {Environment.MachineName}, process {Environment.ProcessId}, {Guid.NewGuid():N}\n");
        var probe = new SharedFolderProbe(System.IO.Path.Combine(folder, FileName), contents);
        AtomicFile.WriteAllBytes(probe.Path, System.Text.Encoding.UTF8.GetBytes(contents));
        return probe;
    }

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // A leftover probe is harmless: the next study run writes a new one.
        }
    }
}
