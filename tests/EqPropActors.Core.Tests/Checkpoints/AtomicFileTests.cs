using System.Text;
using EqPropActors.Core.Checkpoints;

namespace EqPropActors.Core.Tests.Checkpoints;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void WriteAllBytes_CreatesTheFileAndNoOtherFile()
    {
        var path = _directory.File("out.bin");

        AtomicFile.WriteAllBytes(path, new byte[] { 1, 2, 3 });

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(["out.bin"], _directory.FileNames());
    }

    [Fact]
    public void Write_ReplacesAnExistingFile()
    {
        var path = _directory.File("out.txt");
        File.WriteAllText(path, "old content that is longer than the new one");

        AtomicFile.Write(path, stream => stream.Write("new"u8));

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["out.txt"], _directory.FileNames());
    }

    [Fact]
    public void Write_WhenTheWriterThrows_KeepsThePreviousFileAndRemovesTheTemporaryFile()
    {
        var path = _directory.File("checkpoint.npz");
        NpzArchive.Write(path, [NpyArray.Scalar("epoch", 7L)]);
        var previousBytes = File.ReadAllBytes(path);

        var thrown = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.ASCII.GetBytes("half of a new checkpoint"));
            throw new InvalidOperationException("simulated crash while writing");
        }));

        Assert.Equal("simulated crash while writing", thrown.Message);
        Assert.Equal(previousBytes, File.ReadAllBytes(path));
        Assert.Equal(7L, NpzArchive.Read(path)["epoch"].ScalarValue<long>());
        Assert.Equal(["checkpoint.npz"], _directory.FileNames());
    }

    [Fact]
    public void Write_IntoAMissingDirectory_NamesThePathAndTheDirectory()
    {
        var missingDirectory = _directory.File("no-such-dir");
        var path = Path.Combine(missingDirectory, "out.bin");

        var thrown = Assert.Throws<AtomicWriteException>(() => AtomicFile.WriteAllBytes(path, new byte[] { 1 }));

        Assert.Contains(path, thrown.Message);
        Assert.Contains($"directory '{missingDirectory}' does not exist", thrown.Message);
        Assert.Equal(path, thrown.TargetPath);
        Assert.IsType<DirectoryNotFoundException>(thrown.InnerException);
        Assert.False(Directory.Exists(missingDirectory));
    }

    [Fact]
    public void Write_IntoAnUnwritableDirectory_WrapsTheAccessErrorAndNamesThePath()
    {
        // sysfs refuses new files even for root, who would ignore a chmod'ed test directory.
        var path = "/sys/eqprop-atomic-file-test.bin";

        var thrown = Assert.Throws<AtomicWriteException>(() => AtomicFile.WriteAllBytes(path, new byte[] { 1 }));

        Assert.Contains($"Could not write '{path}'", thrown.Message);
        Assert.IsType<UnauthorizedAccessException>(thrown.InnerException);
        Assert.IsAssignableFrom<IOException>(thrown);
    }
}
