using Akka.Actor;
using EqPropActors.Actors.Coordination;
using EqPropActors.Actors.Messages;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Cluster.Tracing;

/// <summary>
/// Brings the steps the group actors recorded on their hosts (<see cref="GroupSetup.RecordSteps"/>) to the coordinator,
/// into the trace it writes: each group's record is read one chunk at a time, each chunk small enough for every
/// node's transport frame (Akka.Remote drops a larger message with nothing but a log line), and put back together
/// bit for bit (<see cref="GroupTraceTransfer"/>).
/// </summary>
public static class StepRecordGathering
{
    /// <summary>What one gathering moved, for the console.</summary>
    public sealed record Summary(int Groups, long Bytes, int Chunks);

    /// <param name="hostOf">The host each group of <paramref name="trace"/> was created on.</param>
    /// <param name="generation">The deployment whose records to read (an earlier one's were retired with its groups).</param>
    public static Summary Gather(GroupwiseTrace trace, Func<int, IActorRef> hostOf, int generation, int chunkBytes, TimeSpan timeout)
    {
        long bytes = 0;
        int chunks = 0;
        foreach (var group in trace.Groups)
        {
            var record = ReadRecord(hostOf(group.Spec.Id), group.Spec, generation, chunkBytes, timeout, out int read);
            GroupTraceTransfer.Restore(group, record);
            bytes += record.Length;
            chunks += read;
        }
        return new Summary(trace.Groups.Count, bytes, chunks);
    }

    private static byte[] ReadRecord(IActorRef host, Core.Network.GroupSpec group, int generation, int chunkBytes, TimeSpan timeout, out int chunks)
    {
        using var record = new MemoryStream();
        chunks = 1; // until the first chunk says how many there are
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            object reply;
            try
            {
                reply = host.Ask<object>(new ReadStepRecord(group.Id, generation, chunk, chunkBytes), timeout).GetAwaiter().GetResult();
            }
            catch (AskTimeoutException)
            {
                throw new EngineFailureException($"the host {host.Path} did not send chunk {chunk + 1} of group {group.Name}'s step record within {timeout.TotalSeconds:F0} s");
            }
            switch (reply)
            {
                case StepRecordChunk received when received.Group == group.Id && received.Chunk == chunk && received.Bytes.Length <= chunkBytes:
                    chunks = received.Chunks;
                    record.Write(received.Bytes);
                    break;
                case GroupFailed failed:
                    throw new EngineFailureException(failed.Reason);
                case StepRecordChunk other:
                    throw new EngineFailureException($"asked the host {host.Path} for chunk {chunk} of group {group.Name}'s step record " +
                        $"(at most {chunkBytes} bytes), got chunk {other.Chunk} of group {other.Group} ({other.Bytes.Length} bytes)");
                default:
                    throw new EngineFailureException($"the host {host.Path} answered {reply.GetType().Name} when asked for group {group.Name}'s step record");
            }
        }
        return record.ToArray();
    }
}
