namespace EqPropActors.Core.Tests;

/// <summary>A fresh directory per test, removed afterwards, so tests never see each other's files.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Path = Directory.CreateTempSubdirectory("eqprop-tests-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string fileName, byte[] content)
    {
        var path = File(fileName);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public string[] FileNames() =>
        Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
