using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster.Hosting;
using EqPropActors.Cluster.Messages;
using EqPropActors.Cluster.Runs;
using EqPropActors.Cluster.Serialization;
using EqPropActors.Cluster.Tests.TestSupport;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster.Tests;

/// <summary>
/// Every message the engine sends between nodes survives the binary format exactly (compared field by field with the
/// original: floats bit for bit, actor references resolved; every registered type has a case), and nothing else passes: unregistered types are refused when sent, unknown manifests
/// and corrupt frames when read.
/// </summary>
public sealed class EngineMessageSerializerTests() : TestKit(ClusterNodeConfig.Defaults().WithFallback(Actors.ActorEngine.DefaultConfig())
    .WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0")))
{
    private EngineMessageSerializer Serializer => (EngineMessageSerializer)Sys.Serialization.FindSerializerForType(typeof(Activity));

    private static readonly float[] Rates = [0.5f, float.Epsilon, -0f, 1e-30f, 0.999999f, 3f];

    public static TheoryData<string> Messages() => new(MessagesByName().Keys);

    private static Dictionary<string, Func<IActorRef, object>> MessagesByName() => new()
    {
        ["Activity"] = _ => new Activity(2, 7, 1, 13, Rates, 5),
        ["ActivityUnchanged"] = _ => new ActivityUnchanged(2, 7, 1, 14),
        ["Resting"] = _ => new Resting(3, 7, 0, 2, 41),
        ["PhaseEndActivity"] = _ => new PhaseEndActivity(1, 7, 1, 1, Rates, 6),
        ["DriveWeights"] = _ => new DriveWeights(2, 9, Rates, [0.5f, -0.25f]),
        ["StartMinibatch"] = _ => new StartMinibatch(7, 2, Rates, [0f, 1f], [0.25f, 0.75f]),
        ["StartMinibatch without particles"] = _ => new StartMinibatch(7, 2, [], Rates, null),
        ["StartPhase"] = _ => new StartPhase(7, 1, new Phase("nudged", PhaseSlot.Positive, -0.5f, 4, true), 0.5f, 1e-3f, true),
        ["StartPhase, plastic steps"] = _ => new StartPhase(7, 2, new Phase("nudged-negative", PhaseSlot.Negative, 0.5f, 4, true,
            Plasticity: new StepPlasticity(UpdateForm.Continual, 2, 0.25f, true)), 0.5f, 1e-3f, false),
        ["EndPhase"] = _ => new EndPhase(7, 1),
        ["PhaseDone"] = _ => new PhaseDone(3, 7, 0, Rates, [0.1f], null, new GroupPhaseStatistics(20, 40, 4000, 3, -2, 40)),
        ["GroupStatus"] = _ => new GroupStatus(2, 7, 0, true, 3, new Dictionary<int, int> { [1] = 2, [3] = -1 }),
        ["ApplyRule"] = _ => new ApplyRule(7, new RuleApplication(LearningRule.Ep, -0.5f, true, 0.9f, 0.25f), true, 3, true),
        ["ApplyRule, stdp"] = _ => new ApplyRule(7, new RuleApplication(LearningRule.Vf, 0.5f, false, 0f, 1f, UpdateForm.Stdp), false, 2, false),
        ["RuleApplied"] = _ => new RuleApplied(2, 7, [new FreshSteps(0, [1e-6f, 2e-3f]), new FreshSteps(1, [0f, 5f])]),
        ["GroupFailed"] = _ => new GroupFailed(2, "group L1G0: NaN — ünïcode", true),
        ["LoadParameters"] = _ => new LoadParameters(new GroupSlice(1, Rates, [1f], [2f]), null),
        ["LoadParameters with velocity"] = _ => new LoadParameters(new GroupSlice(1, Rates, [], [2f]), new GroupSlice(1, [3f], [], [4f])),
        ["ExportParameters"] = _ => new ExportParameters(ParameterKind.Velocity),
        ["GroupParameters"] = _ => new GroupParameters(2, ParameterKind.Estimate, new GroupSlice(2, Rates, [5f], [6f])),
        ["GroupParameters without velocity"] = _ => new GroupParameters(2, ParameterKind.Velocity, null),
        ["FindDiverged"] = _ => new FindDiverged(1e4f),
        ["DivergenceReport"] = _ => new DivergenceReport(2, "forward weights of L2G0"),
        ["DivergenceReport, sound"] = _ => new DivergenceReport(2, null),
        ["Done"] = _ => new Done(-1),
        ["Wire"] = actor => new Wire([null, new NeighbourAddress(actor, "127.0.0.1:4711"), NeighbourAddress.InProcess(actor)]),
        ["CreateGroup"] = actor => new CreateGroup(new GroupSetup(new NetworkDescription([784, 500, 10], Activation.Logistic, DynamicsForm.RhoPrime, 4), 3, 100,
            [0.1f, 0.05f], new ScheduleSettings(ScheduleKind.Async, 0.3, 0.15, 0.25, 0.01f, 9, 3, DelegateDrive: false, SendMode: SendMode.SigmaDelta, DropProbability: 0.05, NoiseStd: 0.01f, UpdateProbability: 0.5, PhaseControl: PhaseControl.Local), actor, 4, TimeSpan.FromSeconds(20))),
        ["CreateGroup, recording its steps"] = actor => new CreateGroup(new GroupSetup(new NetworkDescription([30, 16, 10], Activation.HardSigmoid, DynamicsForm.Vf, 2), 2, 8,
            [0.1f, 0.05f], ScheduleSettings.Synchronous, actor, 1, TimeSpan.FromSeconds(20), RecordSteps: true)),
        ["GroupCreated"] = actor => new GroupCreated(3, actor),
        ["RetireGroups"] = _ => new RetireGroups(int.MaxValue),
        ["ReadStepRecord"] = _ => new ReadStepRecord(3, 2, 5, 1 << 20),
        ["StepRecordChunk"] = _ => new StepRecordChunk(3, 5, 7, [0, 1, 254, 255, 128]),
        ["DescribeHost"] = _ => DescribeHost.Instance,
        ["HostDescription"] = _ => new HostDescription("worker-1", 64 << 20, EngineMessageSerializer.ProtocolVersion, 2),
        ["OpenLinks"] = _ => new OpenLinks(Cluster.Links.RunLinkKey.Create(12_345_678)),
        ["LinksOpened"] = _ => new LinksOpened("10.0.0.2:4064", ""),
        ["LinksOpened, failed"] = _ => new LinksOpened("", "node worker-1 could not open its activity link server on 10.0.0.2:4064"),
        ["RunEqprop"] = _ => new RunEqprop(long.MaxValue - 7, ["train", "--out", "/shared/runs/beta 1", "", "ünïcode"], "/shared/logs/1.log", "/shared/1.json"),
        ["EqpropRunAccepted"] = _ => new EqpropRunAccepted(12, "worker-1"),
        ["EqpropRunRefused"] = _ => new EqpropRunRefused(13, "node worker-1 already runs job 12"),
        ["EqpropRunEnded"] = _ => new EqpropRunEnded(14, 130, true, "the child could not run"),
        ["StopEqpropRun"] = _ => new StopEqpropRun(16),
        ["CheckSharedFile"] = _ => new CheckSharedFile("/shared/study/.cluster-probe", "coordinator host, process 7\n"),
        ["SharedFileChecked"] = _ => new SharedFileChecked("/shared/study/.cluster-probe", true, "seen"),
    };

    /// <summary>What the wire carries of an activity block: its valid values. The copy is read into a pooled array
    /// (longer, and marked Pooled, which is this process's bookkeeping, not a field of the message).</summary>
    private static object AsSent(object message) => message switch
    {
        Activity a => a with { Rates = a.Rates[..a.Length], Pooled = false },
        PhaseEndActivity p => p with { Rates = p.Rates[..p.Length] },
        _ => message,
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void EveryMessageRoundTripsExactly(string name)
    {
        var message = MessagesByName()[name](TestActor);
        Assert.Same(Serializer, Sys.Serialization.FindSerializerFor(message));
        var bytes = Serializer.ToBinary(message);
        var copy = Serializer.FromBinary(bytes, Serializer.Manifest(message));

        Assert.Equal(message.GetType(), copy.GetType());
        // Field by field against the original, floats to the bit and actor references resolved to the same actor.
        Assert.Null(FieldByField.FirstDifference(AsSent(message), AsSent(copy)));
        if (copy is Activity activity)
            Assert.True(activity.Pooled); // the receiver returns the block to the pool
    }

    [Fact]
    public void TheComparisonSeesADroppedField()
    {
        var sent = new LinksOpened("10.0.0.2:4064", "");
        Assert.Equal("Endpoint: \"10.0.0.2:4064\" ≠ \"\"", FieldByField.FirstDifference(sent, sent with { Endpoint = "" }));
        var activity = new Activity(2, 7, 1, 13, [1f, 2f], 2);
        Assert.Equal("Rates[1]: 2 ≠ 3", FieldByField.FirstDifference(activity, activity with { Rates = [1f, 3f] }));
    }

    /// <summary>
    /// Every type the serializer has a manifest for (found by asking it about every type of our assemblies) has a
    /// round trip above: a new message type without one fails here, naming it.
    /// </summary>
    [Fact]
    public void EveryManifestHasARoundTripCase()
    {
        var covered = MessagesByName().Values.Select(create => Serializer.Manifest(create(TestActor))).ToHashSet();
        var registered = new Dictionary<string, Type>();
        var assemblies = new[] { typeof(Activity).Assembly, typeof(HostDescription).Assembly, typeof(Phase).Assembly };
        foreach (var type in assemblies.SelectMany(a => a.GetTypes())
                     .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && !typeof(Delegate).IsAssignableFrom(t)))
        {
            string manifest;
            try
            {
                manifest = Serializer.Manifest(RuntimeHelpers.GetUninitializedObject(type));
            }
            catch (SerializationException)
            {
                continue; // not a message that crosses the network
            }
            Assert.False(registered.TryGetValue(manifest, out var other), $"manifest '{manifest}' is used by both {other?.Name} and {type.Name}");
            registered[manifest] = type;
        }

        Assert.True(registered.Count >= 30, $"only {registered.Count} registered types found: the search is broken");
        var missing = registered.Where(r => !covered.Contains(r.Key)).Select(r => $"{r.Value.Name} ('{r.Key}')").ToList();
        Assert.True(missing.Count == 0, "no round-trip case for: " + string.Join(", ", missing));
    }

    [Fact]
    public void AnActivityBlockIsSentAsItsValidValuesOnly()
    {
        var pooled = new float[4096];
        var bytes = Serializer.ToBinary(new Activity(1, 1, 0, 0, pooled, 100));
        Assert.Equal(24 + 100 * sizeof(float), bytes.Length);
    }

    [Fact]
    public void UnregisteredTypesAreRefusedWhenSent()
    {
        // Bound to System.Object, so it (not JSON) is asked, and it refuses.
        var serializer = Sys.Serialization.FindSerializerFor(new Uri("http://example.org"));
        Assert.Same(Serializer, serializer);
        var error = Assert.Throws<SerializationException>(() => serializer.ToBinary(new Uri("http://example.org")));
        Assert.Contains("System.Uri", error.Message);
        Assert.Contains("only the registered", error.Message);
    }

    [Fact]
    public void UnknownManifestsAreRefusedWhenRead()
    {
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary([1, 2, 3], "System.Diagnostics.Process, System"));
        Assert.Contains("not a registered EqPropActors message", error.Message);
    }

    [Fact]
    public void ATruncatedFrameIsRefusedNamingTheMessage()
    {
        var bytes = Serializer.ToBinary(new Activity(1, 1, 0, 0, Rates, 6));
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes[..^3], "act"));
        Assert.Contains("'act'", error.Message);
    }

    [Fact]
    public void AnImpossibleLengthIsRefusedBeforeAnythingIsAllocated()
    {
        var bytes = Serializer.ToBinary(new Activity(1, 1, 0, 0, Rates, 6));
        BitConverter.TryWriteBytes(bytes.AsSpan(20), int.MaxValue); // the float count
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "act"));
        Assert.Contains("length", error.Message);
    }

    [Fact]
    public void AnOutOfRangeEnumIsRefused()
    {
        var bytes = Serializer.ToBinary(new ExportParameters(ParameterKind.Weights));
        BitConverter.TryWriteBytes(bytes.AsSpan(0), 42);
        var error = Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "exp"));
        Assert.Contains("ParameterKind", error.Message);
    }

    [Fact]
    public void TrailingBytesAreRefused()
    {
        var bytes = Serializer.ToBinary(new Done(3));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary([.. bytes, 0], "done"));
    }
}
