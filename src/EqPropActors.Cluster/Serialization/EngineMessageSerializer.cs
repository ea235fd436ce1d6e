using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using EqPropActors.Actors.Coordination;
using EqPropActors.Actors.Messages;
using EqPropActors.Actors.Schedules;
using EqPropActors.Cluster.Links;
using EqPropActors.Cluster.Messages;
using EqPropActors.Cluster.Runs;
using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;

namespace EqPropActors.Cluster.Serialization;

/// <summary>
/// The only serializer our messages cross the network with: a compact binary format, one short manifest per message
/// type, no type names on the wire and nothing but the registered types read back. cluster-defaults.conf binds it to
/// every type Akka has no serializer of its own for, so anything else is refused when sent instead of going out as
/// JSON. Activity payloads are read into pooled arrays, as the in-process engine hands them over.
/// </summary>
public sealed class EngineMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Bumped whenever the encoding of any message changes; nodes compare it before they work together.</summary>
    public const int ProtocolVersion = 14; // 14: GroupSetup.RecordSteps, ReadStepRecord and StepRecordChunk (eqprop trace on the cluster)

    public const int SerializerId = 4711;

    public EngineMessageSerializer(ExtendedActorSystem system) : base(system)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the engine's wire format needs a little-endian platform");
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        Activity => "act",
        ActivityUnchanged => "unch",
        Resting => "rest",
        PhaseEndActivity => "pend",
        DriveWeights => "dw",
        StartMinibatch => "smb",
        StartPhase => "sph",
        EndPhase => "endp",
        PhaseDone => "pdone",
        GroupStatus => "stat",
        ApplyRule => "rule",
        RuleApplied => "rapp",
        GroupFailed => "gfail",
        LoadParameters => "load",
        ExportParameters => "exp",
        GroupParameters => "gpar",
        FindDiverged => "fdiv",
        DivergenceReport => "divr",
        Done => "done",
        Wire => "wire",
        CreateGroup => "cgrp",
        GroupCreated => "gcre",
        RetireGroups => "retire",
        ReadStepRecord => "rdrec",
        StepRecordChunk => "recchk",
        DescribeHost => "dhost",
        HostDescription => "host",
        OpenLinks => "olink",
        LinksOpened => "linked",
        RunEqprop => "run",
        EqpropRunAccepted => "runacc",
        EqpropRunRefused => "runref",
        EqpropRunEnded => "runend",
        StopEqpropRun => "runstop",
        CheckSharedFile => "shchk",
        SharedFileChecked => "shseen",
        _ => throw Refused(o),
    };

    public override byte[] ToBinary(object o)
    {
        var w = new WireWriter(EstimatedSize(o));
        switch (o)
        {
            case Activity m:
                Step(w, m.Source, m.Minibatch, m.PhaseIndex, m.Step);
                w.Floats(m.Rates, m.Length);
                break;
            case ActivityUnchanged m:
                Step(w, m.Source, m.Minibatch, m.PhaseIndex, m.Step);
                break;
            case Resting m:
                Step(w, m.Source, m.Minibatch, m.PhaseIndex, m.RestCount);
                w.Int(m.HeardStep);
                break;
            case PhaseEndActivity m:
                Step(w, m.Source, m.Minibatch, m.PhaseIndex, m.Slot);
                w.Floats(m.Rates, m.Length);
                break;
            case DriveWeights m:
                w.Int(m.Receiver); w.Long(m.Version); w.Floats(m.Weights); w.Floats(m.Bias);
                break;
            case StartMinibatch m:
                w.Long(m.Minibatch); w.Int(m.Rows);
                w.Floats(m.InputRates); w.Floats(m.Targets); w.NullableFloats(m.LayerStates);
                break;
            case StartPhase m:
                w.Long(m.Minibatch); w.Int(m.PhaseIndex);
                w.String(m.Phase.Name); w.Int(m.Phase.Slot); w.Float(m.Phase.Beta); w.Int(m.Phase.Steps); w.Bool(m.Phase.StartFromFreeFixedPoint);
                w.Bool(m.Phase.Plasticity is not null);
                if (m.Phase.Plasticity is { } plasticity)
                {
                    w.Int((int)plasticity.Form); w.Int(plasticity.NudgedPhases); w.Float(plasticity.LearningRateScale); w.Bool(plasticity.IntoEstimate);
                }
                w.Float(m.Dt); w.Float(m.Tolerance); w.Bool(m.ShareEndRates);
                break;
            case EndPhase m:
                w.Long(m.Minibatch); w.Int(m.PhaseIndex);
                break;
            case PhaseDone m:
                w.Int(m.Group); w.Long(m.Minibatch); w.Int(m.PhaseIndex);
                w.Floats(m.StepSquaredNorms); w.NullableFloats(m.FreeOutputs); w.NullableFloats(m.FreeStates);
                var s = m.Statistics;
                w.Int(s.Steps); w.Long(s.MessagesSent); w.Long(s.BytesSent); w.Long(s.MessagesSuppressed); w.Long(s.StalenessSum); w.Long(s.StalenessCount);
                w.Long(s.MessagesLost);
                break;
            case GroupStatus m:
                w.Int(m.Group); w.Long(m.Minibatch); w.Int(m.PhaseIndex); w.Bool(m.Resting); w.Int(m.RestCount);
                w.Int(m.SeenRestCounts.Count);
                foreach (var (source, count) in m.SeenRestCounts)
                {
                    w.Int(source); w.Int(count);
                }
                break;
            case ApplyRule m:
                w.Long(m.Minibatch); w.Bool(m.IntoEstimate);
                w.Int((int)m.Rule.Rule); w.Float(m.Rule.SignedBeta); w.Bool(m.Rule.Centered); w.Float(m.Rule.Momentum); w.Float(m.Rule.LearningRateScale); w.Int((int)m.Rule.Form); w.Int(m.Phases); w.Bool(m.Reply);
                break;
            case RuleApplied m:
                w.Int(m.Group); w.Long(m.Minibatch); w.Int(m.FreshSteps.Count);
                foreach (var fresh in m.FreshSteps)
                {
                    w.Int(fresh.Slot); w.Floats(fresh.SquaredSteps);
                }
                break;
            case GroupFailed m:
                w.Int(m.Group); w.String(m.Reason); w.Bool(m.Diverged);
                break;
            case LoadParameters m:
                Slice(w, m.Weights); NullableSlice(w, m.Velocity);
                break;
            case ExportParameters m:
                w.Int((int)m.Kind);
                break;
            case GroupParameters m:
                w.Int(m.Group); w.Int((int)m.Kind); NullableSlice(w, m.Slice);
                break;
            case FindDiverged m:
                w.Float(m.Bound);
                break;
            case DivergenceReport m:
                w.Int(m.Group); w.NullableString(m.Where);
                break;
            case Done m:
                w.Int(m.Group);
                break;
            case Wire m:
                // Each group with the link endpoint of its node ("" for none): the receiving group's transport
                // decides how to reach it (Links.ActivityLinkTransport).
                w.Int(m.GroupsById.Length);
                foreach (var address in m.GroupsById)
                {
                    w.ActorRef(address?.Actor);
                    w.String(address?.LinkEndpoint ?? "");
                }
                break;
            case CreateGroup { Setup: var setup }:
                w.Ints(setup.Network.LayerSizes); w.Int((int)setup.Network.Activation); w.Int((int)setup.Network.Form); w.Int(setup.Network.GroupsPerHiddenLayer);
                w.Int(setup.Group); w.Int(setup.MaxRows); w.Floats(setup.LearningRates);
                Schedule(w, setup.Schedule);
                w.ActorRef(setup.Coordinator); w.Int(setup.Generation); w.Long(setup.StallTimeout.Ticks); w.Bool(setup.RecordSteps);
                break;
            case GroupCreated m:
                w.Int(m.Group); w.ActorRef(m.Actor);
                break;
            case RetireGroups m:
                w.Int(m.Generation);
                break;
            case ReadStepRecord m:
                w.Int(m.Group); w.Int(m.Generation); w.Int(m.Chunk); w.Int(m.ChunkBytes);
                break;
            case StepRecordChunk m:
                w.Int(m.Group); w.Int(m.Chunk); w.Int(m.Chunks); w.Bytes(m.Bytes);
                break;
            case DescribeHost:
                break;
            case HostDescription m:
                w.String(m.NodeName); w.Long(m.MaximumFrameBytes); w.Int(m.ProtocolVersion); w.Int(m.Cores);
                break;
            case OpenLinks { Key: var key }:
                w.Bytes(key.Id); w.Bytes(key.Secret); w.Int(key.MaxPayloadBytes);
                break;
            case LinksOpened m:
                w.String(m.Endpoint); w.String(m.Failure);
                break;
            case RunEqprop m:
                w.Long(m.Job); w.Strings(m.Arguments); w.String(m.LogFile); w.String(m.OutputFile);
                break;
            case EqpropRunAccepted m:
                w.Long(m.Job); w.String(m.NodeName);
                break;
            case EqpropRunRefused m:
                w.Long(m.Job); w.String(m.Reason);
                break;
            case EqpropRunEnded m:
                w.Long(m.Job); w.Int(m.ExitCode); w.Bool(m.StoppedForLeaving); w.String(m.Failure);
                break;
            case StopEqpropRun m:
                w.Long(m.Job);
                break;
            case CheckSharedFile m:
                w.String(m.Path); w.String(m.Contents);
                break;
            case SharedFileChecked m:
                w.String(m.Path); w.Bool(m.Seen); w.String(m.Detail);
                break;
            default:
                throw Refused(o);
        }
        return w.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest) => FromBinary(bytes, bytes.Length, manifest);

    /// <summary>Reads a message from the first <paramref name="length"/> bytes of a (reused) buffer.</summary>
    public object FromBinary(byte[] bytes, int length, string manifest)
    {
        var r = new WireReader(bytes, length, manifest);
        object message = manifest switch
        {
            "act" => ReadActivity(r),
            "unch" => new ActivityUnchanged(r.Int(), r.Long(), r.Int(), r.Int()),
            "rest" => new Resting(r.Int(), r.Long(), r.Int(), r.Int(), r.Int()),
            "pend" => ReadPhaseEnd(r),
            "dw" => new DriveWeights(r.Int(), r.Long(), r.Floats(), r.Floats()),
            "smb" => new StartMinibatch(r.Long(), r.Int(), r.Floats(), r.Floats(), r.NullableFloats()),
            "sph" => ReadStartPhase(r),
            "endp" => new EndPhase(r.Long(), r.Int()),
            "pdone" => new PhaseDone(r.Int(), r.Long(), r.Int(), r.Floats(), r.NullableFloats(), r.NullableFloats(),
                new GroupPhaseStatistics(r.Int(), r.Long(), r.Long(), r.Long(), r.Long(), r.Long(), r.Long())),
            "stat" => ReadStatus(r),
            "rule" => ReadApplyRule(r),
            "rapp" => ReadRuleApplied(r),
            "gfail" => new GroupFailed(r.Int(), r.String(), r.Bool()),
            "load" => new LoadParameters(ReadSlice(r), ReadNullableSlice(r)),
            "exp" => new ExportParameters(r.Enum<ParameterKind>()),
            "gpar" => new GroupParameters(r.Int(), r.Enum<ParameterKind>(), ReadNullableSlice(r)),
            "fdiv" => new FindDiverged(r.Float()),
            "divr" => new DivergenceReport(r.Int(), r.NullableString()),
            "done" => new Done(r.Int()),
            "wire" => new Wire(Enumerable.Range(0, CheckedCount(r.Int(), r, manifest)).Select(_ => ReadNeighbour(r)).ToArray()),
            "cgrp" => ReadCreateGroup(r),
            "gcre" => new GroupCreated(r.Int(), r.ActorRef(system) ?? throw new SerializationException("a GroupCreated without an actor")),
            "retire" => new RetireGroups(r.Int()),
            "rdrec" => new ReadStepRecord(r.Int(), r.Int(), r.Int(), r.Int()),
            "recchk" => new StepRecordChunk(r.Int(), r.Int(), r.Int(), r.Bytes()),
            "dhost" => DescribeHost.Instance,
            "host" => new HostDescription(r.String(), r.Long(), r.Int(), r.Int()),
            "olink" => new OpenLinks(new RunLinkKey(r.Bytes(), r.Bytes(), r.Int())),
            "linked" => new LinksOpened(r.String(), r.String()),
            "run" => new RunEqprop(r.Long(), r.Strings(), r.String(), r.String()),
            "runacc" => new EqpropRunAccepted(r.Long(), r.String()),
            "runref" => new EqpropRunRefused(r.Long(), r.String()),
            "runend" => new EqpropRunEnded(r.Long(), r.Int(), r.Bool(), r.String()),
            "runstop" => new StopEqpropRun(r.Long()),
            "shchk" => new CheckSharedFile(r.String(), r.String()),
            "shseen" => new SharedFileChecked(r.String(), r.Bool(), r.String()),
            _ => throw new SerializationException($"refused a message with manifest '{manifest}': not a registered EqPropActors message"),
        };
        r.End();
        return message;
    }

    private static void Step(WireWriter w, int source, long minibatch, int phase, int step)
    {
        w.Int(source); w.Long(minibatch); w.Int(phase); w.Int(step);
    }

    private static Activity ReadActivity(WireReader r)
    {
        var (source, minibatch, phase, step, rates, length) = ReadBlock(r);
        return new Activity(source, minibatch, phase, step, rates, length) { Pooled = true };
    }

    private static PhaseEndActivity ReadPhaseEnd(WireReader r)
    {
        var (source, minibatch, phase, slot, rates, length) = ReadBlock(r);
        return new PhaseEndActivity(source, minibatch, phase, slot, rates, length);
    }

    /// <summary>What <see cref="Step"/> and a float block wrote: an activity block and where it belongs.</summary>
    private static (int Source, long Minibatch, int Phase, int StepOrSlot, float[] Rates, int Length) ReadBlock(WireReader r)
    {
        var (source, minibatch, phase, stepOrSlot) = (r.Int(), r.Long(), r.Int(), r.Int());
        var (rates, length) = r.PooledFloats();
        return (source, minibatch, phase, stepOrSlot, rates, length);
    }

    private static GroupStatus ReadStatus(WireReader r)
    {
        var (group, minibatch, phase, resting, restCount) = (r.Int(), r.Long(), r.Int(), r.Bool(), r.Int());
        int count = CheckedCount(r.Int(), r, "stat");
        var seen = new Dictionary<int, int>(count);
        for (int i = 0; i < count; i++)
            seen[r.Int()] = r.Int();
        return new GroupStatus(group, minibatch, phase, resting, restCount, seen);
    }

    private static RuleApplied ReadRuleApplied(WireReader r)
    {
        var (group, minibatch) = (r.Int(), r.Long());
        var fresh = Enumerable.Range(0, CheckedCount(r.Int(), r, "rapp")).Select(_ => new FreshSteps(r.Int(), r.Floats())).ToArray();
        return new RuleApplied(group, minibatch, fresh);
    }

    private static ApplyRule ReadApplyRule(WireReader r)
    {
        var (minibatch, intoEstimate) = (r.Long(), r.Bool());
        var rule = new RuleApplication(r.Enum<LearningRule>(), r.Float(), r.Bool(), r.Float(), r.Float(), r.Enum<UpdateForm>());
        return new ApplyRule(minibatch, rule, intoEstimate, r.Int(), r.Bool());
    }

    private static StartPhase ReadStartPhase(WireReader r)
    {
        var (minibatch, index) = (r.Long(), r.Int());
        var (name, slot, beta, steps, fromFree) = (r.String(), r.Int(), r.Float(), r.Int(), r.Bool());
        var plasticity = r.Bool() ? new StepPlasticity(r.Enum<UpdateForm>(), r.Int(), r.Float(), r.Bool()) : null;
        var phase = new Phase(name, slot, beta, steps, fromFree, Plasticity: plasticity);
        return new StartPhase(minibatch, index, phase, r.Float(), r.Float(), r.Bool());
    }

    private NeighbourAddress? ReadNeighbour(WireReader r)
    {
        var actor = r.ActorRef(system);
        string endpoint = r.String();
        return actor is null ? null : new NeighbourAddress(actor, endpoint);
    }

    private CreateGroup ReadCreateGroup(WireReader r)
    {
        var network = new NetworkDescription(r.Ints(), r.Enum<Activation>(), r.Enum<DynamicsForm>(), r.Int());
        var (group, maxRows, rates) = (r.Int(), r.Int(), r.Floats());
        var schedule = ReadSchedule(r);
        var coordinator = r.ActorRef(system) ?? throw new SerializationException("a CreateGroup without a coordinator");
        return new CreateGroup(new GroupSetup(network, group, maxRows, rates, schedule, coordinator, r.Int(), TimeSpan.FromTicks(r.Long()), r.Bool()));
    }

    private static void Schedule(WireWriter w, ScheduleSettings s)
    {
        w.Int((int)s.Kind); w.Double(s.Delay); w.Double(s.Jitter); w.Double(s.TauSpread); w.Float(s.SendThreshold); w.Int(s.Seed); w.Int(s.MaxLead); w.Bool(s.DelegateDrive); w.Int((int)s.SendMode);
        w.Double(s.DropProbability); w.Float(s.NoiseStd); w.Double(s.UpdateProbability); w.Int((int)s.PhaseControl);
    }

    private static ScheduleSettings ReadSchedule(WireReader r) =>
        new(r.Enum<ScheduleKind>(), r.Double(), r.Double(), r.Double(), r.Float(), r.Int(), r.Int(), r.Bool(), r.Enum<SendMode>(), r.Double(), r.Float(), r.Double(),
            r.Enum<PhaseControl>());

    private static void Slice(WireWriter w, GroupSlice slice)
    {
        w.Int(slice.Group); w.Floats(slice.Forward); w.Floats(slice.Feedback); w.Floats(slice.Bias);
    }

    private static void NullableSlice(WireWriter w, GroupSlice? slice)
    {
        w.Bool(slice is not null);
        if (slice is not null)
            Slice(w, slice);
    }

    private static GroupSlice ReadSlice(WireReader r) => new(r.Int(), r.Floats(), r.Floats(), r.Floats());

    private static GroupSlice? ReadNullableSlice(WireReader r) => r.Bool() ? ReadSlice(r) : null;

    private static int CheckedCount(int count, WireReader r, string manifest) =>
        count is >= 0 and <= 1 << 20 ? count : throw new SerializationException($"corrupt '{manifest}' engine message: a count of {count}");

    /// <summary>Enough for the payload, so that large blocks are written without regrowing the buffer; exact for
    /// activity blocks (source, minibatch, phase, step, length, floats), which then go out without another copy.</summary>
    private static int EstimatedSize(object o) => o switch
    {
        Activity m => 24 + m.Length * sizeof(float),
        PhaseEndActivity m => 24 + m.Length * sizeof(float),
        _ => 64 + OtherPayload(o),
    };

    private static int OtherPayload(object o) => o switch
    {
        DriveWeights m => (m.Weights.Length + m.Bias.Length) * sizeof(float),
        StartMinibatch m => (m.InputRates.Length + m.Targets.Length + (m.LayerStates?.Length ?? 0)) * sizeof(float),
        LoadParameters m => SliceBytes(m.Weights) + (m.Velocity is null ? 0 : SliceBytes(m.Velocity)),
        GroupParameters { Slice: { } slice } => SliceBytes(slice),
        StepRecordChunk m => m.Bytes.Length,
        _ => 192,
    };

    private static int SliceBytes(GroupSlice s) => (s.Forward.Length + s.Feedback.Length + s.Bias.Length) * sizeof(float) + 16;

    private static SerializationException Refused(object o) =>
        new($"refused to serialize {o.GetType().FullName}: only the registered EqPropActors engine messages go over the network");
}
