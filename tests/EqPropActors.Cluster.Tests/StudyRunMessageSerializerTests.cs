using System.Runtime.Serialization;
using Akka.TestKit.Xunit2;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Runs;
using EqPropActors.Cluster.Serialization;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// The messages that hand whole runs to workers (eqprop study --cluster-config) go through the engine's binary
/// serializer with short manifests: every field comes back as it was sent (checked field by field), and a
/// truncated, padded or unknown frame is refused.
/// </summary>
public sealed class StudyRunMessageSerializerTests() : TestKit(ClusterNodeConfig.Defaults().WithFallback(Actors.ActorEngine.DefaultConfig())
    .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0")))
{
    private EngineMessageSerializer Serializer => (EngineMessageSerializer)Sys.Serialization.FindSerializerForType(typeof(RunEqprop));

    private T RoundTrip<T>(T message, string expectedManifest) where T : notnull
    {
        Assert.Same(Serializer, Sys.Serialization.FindSerializerFor(message));
        string manifest = Serializer.Manifest(message);
        Assert.Equal(expectedManifest, manifest);
        return Assert.IsType<T>(Serializer.FromBinary(Serializer.ToBinary(message), manifest));
    }

    [Fact]
    public void RunEqpropKeepsItsJobArgumentsAndFiles()
    {
        string[] arguments = ["train", "--out", "/shared/study/runs/beta 1/seed-2", "--beta", "1", "", "ünïcode — ok"];
        var copy = RoundTrip(new RunEqprop(long.MaxValue - 7, arguments, "/shared/study/logs/beta-1/seed-2.log", "/shared/study/runs/x/gradcheck.json"), "run");
        Assert.Equal(long.MaxValue - 7, copy.Job);
        Assert.Equal(arguments, copy.Arguments);
        Assert.Equal("/shared/study/logs/beta-1/seed-2.log", copy.LogFile);
        Assert.Equal("/shared/study/runs/x/gradcheck.json", copy.OutputFile);
    }

    [Fact]
    public void RunEqpropWithoutArgumentsOrOutputFile()
    {
        var copy = RoundTrip(new RunEqprop(1, [], "log", ""), "run");
        Assert.Empty(copy.Arguments);
        Assert.Equal("", copy.OutputFile);
    }

    [Fact]
    public void TheAnswersKeepEveryField()
    {
        var accepted = RoundTrip(new EqpropRunAccepted(12, "worker-1"), "runacc");
        Assert.Equal((12L, "worker-1"), (accepted.Job, accepted.NodeName));

        var refused = RoundTrip(new EqpropRunRefused(13, "node worker-1 already runs job 12"), "runref");
        Assert.Equal((13L, "node worker-1 already runs job 12"), (refused.Job, refused.Reason));

        var ended = RoundTrip(new EqpropRunEnded(14, 130, true, ""), "runend");
        Assert.Equal((14L, 130, true, ""), (ended.Job, ended.ExitCode, ended.StoppedForLeaving, ended.Failure));

        var failed = RoundTrip(new EqpropRunEnded(15, -1, false, "the child could not run: no such file"), "runend");
        Assert.Equal((15L, -1, false, "the child could not run: no such file"), (failed.Job, failed.ExitCode, failed.StoppedForLeaving, failed.Failure));

        Assert.Equal(16L, RoundTrip(new StopEqpropRun(16), "runstop").Job);
    }

    [Fact]
    public void TheSharedFolderCheckKeepsEveryField()
    {
        var check = RoundTrip(new CheckSharedFile("/shared/study/.cluster-probe", "coordinator host, process 7, abc\n"), "shchk");
        Assert.Equal(("/shared/study/.cluster-probe", "coordinator host, process 7, abc\n"), (check.Path, check.Contents));

        var unseen = RoundTrip(new SharedFileChecked("/shared/study/.cluster-probe", false, "no such file here"), "shseen");
        Assert.Equal(("/shared/study/.cluster-probe", false, "no such file here"), (unseen.Path, unseen.Seen, unseen.Detail));

        var seen = RoundTrip(new SharedFileChecked("/p", true, ""), "shseen");
        Assert.True(seen.Seen);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("runend")]
    [InlineData("shseen")]
    public void ATruncatedOrPaddedFrameIsRefusedNamingTheMessage(string manifest)
    {
        object message = manifest switch
        {
            "run" => new RunEqprop(3, ["train", "--resume", "/shared/run"], "/shared/log", ""),
            "runend" => new EqpropRunEnded(3, 0, false, ""),
            _ => new SharedFileChecked("/p", true, ""),
        };
        var bytes = Serializer.ToBinary(message);
        var truncated = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes[..^1], manifest));
        Assert.Contains($"'{manifest}'", truncated.Message);
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([.. bytes, 0], manifest));
    }

    [Fact]
    public void AnImpossibleArgumentCountIsRefusedBeforeAnythingIsAllocated()
    {
        var bytes = Serializer.ToBinary(new RunEqprop(3, ["train"], "log", ""));
        BitConverter.TryWriteBytes(bytes.AsSpan(8), int.MaxValue); // the argument count, after the 8-byte job
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "run"));
        Assert.Contains("length", error.Message);
    }

    [Fact]
    public void AManifestOfNoRegisteredMessageIsRefused()
    {
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary([0, 0, 0, 0], "runx"));
        Assert.Contains("not a registered EqPropActors message", error.Message);
    }
}
