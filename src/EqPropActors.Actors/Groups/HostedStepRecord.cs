using EqPropActors.Core.Dynamics;
using EqPropActors.Core.Engines;
using EqPropActors.Core.Network;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Actors.Groups;

/// <summary>
/// The steps of one group, recorded on the node it runs on (<see cref="Messages.GroupSetup.RecordSteps"/>) until the
/// engine reads them in chunks. The group's thread appends and the host's thread reads, with nothing else between
/// them on this node that orders the two (the messages that end a relaxation go to the coordinator, on another
/// node), so both take the lock.
/// </summary>
internal sealed class HostedStepRecord(GroupSpec spec) : IAsyncStepRecorder
{
    private readonly GroupwiseTrace _trace = new([spec]);
    private readonly Lock _lock = new();
    private byte[]? _encoded;

    public void StepTaken(NeuronGroup group, int phaseIndex, float dt)
    {
        lock (_lock)
            _trace.StepTaken(group, phaseIndex, dt);
    }

    public void AsyncStepTaken(NeuronGroup group, int phaseIndex, float stepLength, int clock, ReadOnlySpan<int> viewSteps, ReadOnlySpan<int> sourceIds)
    {
        lock (_lock)
            _trace.AsyncStepTaken(group, phaseIndex, stepLength, clock, viewSteps, sourceIds);
    }

    public void ActivitySent(int groupId, int phaseIndex, int step)
    {
        lock (_lock)
            _trace.ActivitySent(groupId, phaseIndex, step);
    }

    public void ActivityReceived(int groupId, int phaseIndex, int sourceId, int step)
    {
        lock (_lock)
            _trace.ActivityReceived(groupId, phaseIndex, sourceId, step);
    }

    /// <summary>
    /// Chunk <paramref name="index"/> of the encoded record and how many there are. The record is encoded when its
    /// first chunk is asked for and kept, so that every chunk of one reading comes from the same snapshot (under the
    /// async schedule a late message may still arrive at the group after its relaxation has ended).
    /// </summary>
    public (byte[] Bytes, int Chunks) Chunk(int index, int chunkBytes)
    {
        if (chunkBytes < 1)
            throw new ArgumentOutOfRangeException(nameof(chunkBytes), chunkBytes, "a chunk holds at least one byte");
        lock (_lock)
        {
            if (index == 0 || _encoded is null)
                _encoded = GroupTraceTransfer.Encode(_trace.Groups[0]);
            int chunks = Math.Max(1, (_encoded.Length + chunkBytes - 1) / chunkBytes);
            if (index < 0 || index >= chunks)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"the step record of group {spec.Name} has {chunks} chunk(s) of {chunkBytes} bytes");
            int start = index * chunkBytes;
            return (_encoded[start..Math.Min(_encoded.Length, start + chunkBytes)], chunks);
        }
    }
}
