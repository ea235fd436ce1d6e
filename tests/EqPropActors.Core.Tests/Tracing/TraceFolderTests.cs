using EqPropActors.Core.Tracing;

namespace EqPropActors.Core.Tests.Tracing;

/// <summary>A trace folder is replaced as a whole: the new one complete, or the old one untouched.</summary>
public sealed class TraceFolderTests : IDisposable
{
    private static readonly IReadOnlySet<string> Files = new HashSet<string> { "trace.npz", "plot.png" };
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Target => _directory.File("trace");

    private void WriteOld()
    {
        Directory.CreateDirectory(Target);
        File.WriteAllText(Path.Combine(Target, "trace.npz"), "old");
        File.WriteAllText(Path.Combine(Target, "plot.png"), "old plot");
    }

    [Fact]
    public void TheNewFolderTakesTheOldOnesPlaceWithNothingOfTheOldLeft()
    {
        WriteOld();
        TraceFolder.Replace(Target, Files, staging => File.WriteAllText(Path.Combine(staging, "trace.npz"), "new"));

        Assert.Equal(["trace.npz"], Directory.GetFiles(Target).Select(Path.GetFileName));
        Assert.Equal("new", File.ReadAllText(Path.Combine(Target, "trace.npz")));
        Assert.Equal(["trace"], Directory.GetFileSystemEntries(_directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AWriterThatFailsLeavesTheOldFolderAsItWasAndNoStaging()
    {
        WriteOld();
        Assert.Throws<IOException>(() => TraceFolder.Replace(Target, Files, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "trace.npz"), "half");
            throw new IOException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(Path.Combine(Target, "trace.npz")));
        Assert.Equal("old plot", File.ReadAllText(Path.Combine(Target, "plot.png")));
        Assert.Equal(["trace"], Directory.GetFileSystemEntries(_directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AFolderWithOtherFilesIsRefusedUntouched()
    {
        WriteOld();
        File.WriteAllText(Path.Combine(Target, "notes.txt"), "mine");

        var error = Assert.Throws<IOException>(() => TraceFolder.Replace(Target, Files, _ => Assert.Fail("nothing may be written")));

        Assert.Contains("holds notes.txt, which a trace does not write; nothing was changed", error.Message);
        Assert.Equal("old", File.ReadAllText(Path.Combine(Target, "trace.npz")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Target, "notes.txt")));
    }

    [Fact]
    public void MissingParentFoldersAreCreated()
    {
        string nested = _directory.File("run/traces/epoch-3");
        TraceFolder.Replace(nested, Files, staging => File.WriteAllText(Path.Combine(staging, "trace.npz"), "new"));
        Assert.True(File.Exists(Path.Combine(nested, "trace.npz")));
    }
}
