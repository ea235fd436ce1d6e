using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EqPropActors.Core.Tracing;

/// <summary>
/// One group's recorded relaxation as bytes, to bring it from the process whose group actor recorded it (a cluster
/// worker) to the process that writes the trace. The values cross unchanged (float32 bit patterns), so a gathered
/// trace equals one recorded in place bit for bit. Wall times are <see cref="Stopwatch"/> ticks, which mean nothing
/// in another process: the bytes carry the recorder's stopwatch and UTC readings taken together, and the reader
/// moves every tick onto its own stopwatch through UTC. On one machine that is exact to microseconds; across
/// machines the timelines line up as well as the machines' clocks agree (NTP).
/// </summary>
public static class GroupTraceTransfer
{
    /// <summary>Changes whenever the layout below changes; a reader refuses any other.</summary>
    private const int FormatVersion = 1;

    public static byte[] Encode(GroupTrace trace)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(FormatVersion);
            var (ticks, utcTicks) = ClockReading();
            w.Write(ticks);
            w.Write(utcTicks);
            w.Write(Stopwatch.Frequency);
            w.Write(trace.Spec.Id);
            w.Write(trace.Samples);
            Write(w, trace.StepsPerPhase.ToArray());
            Write(w, Enumerable.Range(0, trace.Steps).Select(trace.PhaseOf).ToArray());
            Write(w, Enumerable.Range(0, trace.Steps).Select(trace.ClockOf).ToArray());
            Write(w, trace.States());
            Write(w, trace.Rates());
            Write(w, trace.Residuals());
            w.Write(trace.Clock is not null);
            if (trace.Clock is { } clock)
            {
                Write(w, clock.SourceIds.ToArray());
                Write(w, clock.Clocks());
                Write(w, clock.StepTicks.ToArray());
                Write(w, clock.ViewSteps());
                Write(w, clock.SentTicks.ToArray());
                Write(w, clock.SentSteps());
                Write(w, clock.SentPhases());
                Write(w, clock.ReceivedTicks.ToArray());
                Write(w, clock.ReceivedSources());
                Write(w, clock.ReceivedSteps());
                Write(w, clock.ReceivedPhases());
            }
        }
        return stream.ToArray();
    }

    /// <summary>Replaces what <paramref name="trace"/> holds by the record in <paramref name="bytes"/>, which must be of the same group.</summary>
    public static void Restore(GroupTrace trace, byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        try
        {
            Read(trace, r);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"the step record of group {trace.Spec.Name} ends early ({bytes.Length} bytes)");
        }
        if (r.BaseStream.Position != bytes.Length)
            throw new InvalidDataException($"the step record of group {trace.Spec.Name} has {bytes.Length - r.BaseStream.Position} bytes after its end");
    }

    private static void Read(GroupTrace trace, BinaryReader r)
    {
        string name = trace.Spec.Name;
        int version = r.ReadInt32();
        if (version != FormatVersion)
            throw new InvalidDataException($"the step record of group {name} is in format {version}; this build reads {FormatVersion}");
        var ticks = new TickTranslation(r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        int group = r.ReadInt32(), samples = r.ReadInt32();
        if (group != trace.Spec.Id)
            throw new InvalidDataException($"a step record of group id {group} was offered as that of {name} (id {trace.Spec.Id})");
        int[] stepsPerPhase = ReadInts(r, name), phaseOfStep = ReadInts(r, name), clockOfStep = ReadInts(r, name);
        float[] states = ReadFloats(r, name), rates = ReadFloats(r, name), residuals = ReadFloats(r, name);
        int steps = phaseOfStep.Length;
        Require(clockOfStep.Length == steps && stepsPerPhase.Sum() == steps && samples >= 0, name, "its steps per phase, phases and clocks disagree");
        Require(states.Length == steps * samples * trace.Units && rates.Length == states.Length && residuals.Length == steps * samples, name,
            $"its arrays do not hold {steps} steps of {samples} samples × {trace.Units} units");
        GroupClockTrace? clock = null;
        if (r.ReadBoolean())
        {
            int[] sources = ReadInts(r, name), clocks = ReadInts(r, name);
            long[] stepTicks = ticks.ToLocal(ReadLongs(r, name));
            int[] viewSteps = ReadInts(r, name);
            long[] sentTicks = ticks.ToLocal(ReadLongs(r, name));
            int[] sentSteps = ReadInts(r, name), sentPhases = ReadInts(r, name);
            long[] receivedTicks = ticks.ToLocal(ReadLongs(r, name));
            int[] receivedSources = ReadInts(r, name), receivedSteps = ReadInts(r, name), receivedPhases = ReadInts(r, name);
            Require(clocks.Length == steps && stepTicks.Length == steps && viewSteps.Length == steps * sources.Length, name, "its clock does not match its steps");
            Require(sentSteps.Length == sentTicks.Length && sentPhases.Length == sentTicks.Length, name, "its sent messages disagree");
            Require(receivedSources.Length == receivedTicks.Length && receivedSteps.Length == receivedTicks.Length && receivedPhases.Length == receivedTicks.Length,
                name, "its received messages disagree");
            clock = GroupClockTrace.Restore(sources, clocks, stepTicks, viewSteps, sentTicks, sentSteps, sentPhases, receivedTicks, receivedSources, receivedSteps, receivedPhases);
        }
        trace.Restore(samples, stepsPerPhase, phaseOfStep, clockOfStep, states, rates, residuals, clock);
    }

    private static void Require(bool condition, string group, string what)
    {
        if (!condition)
            throw new InvalidDataException($"the step record of group {group} is corrupt: {what}");
    }

    /// <summary>
    /// This process's stopwatch and UTC read together: the bridge between two processes' stopwatches. A thread
    /// preempted between the two readings (likely on a busy machine) would shift every translated time by the pause,
    /// so the tightest of a few readings bracketed by the stopwatch is kept, its stopwatch reading at the bracket's middle.
    /// </summary>
    private static (long Ticks, long UtcTicks) ClockReading()
    {
        (long Ticks, long UtcTicks) best = default;
        long narrowest = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            long before = Stopwatch.GetTimestamp();
            long utc = DateTime.UtcNow.Ticks;
            long after = Stopwatch.GetTimestamp();
            if (after - before < narrowest)
                (narrowest, best) = (after - before, (before + (after - before) / 2, utc));
        }
        return best;
    }

    /// <summary>Moves the recorder's stopwatch ticks onto this process's: recorder tick → seconds from its reading →
    /// UTC → seconds from this process's UTC reading → this process's ticks. Differences are taken before converting,
    /// so no precision is lost to the size of the tick counts.</summary>
    private readonly record struct TickTranslation(long RemoteTicks, long RemoteUtcTicks, long RemoteFrequency)
    {
        private readonly (long Ticks, long UtcTicks) _local = ClockReading();

        public long[] ToLocal(long[] remote)
        {
            double offsetSeconds = (RemoteUtcTicks - _local.UtcTicks) / (double)TimeSpan.TicksPerSecond;
            var local = new long[remote.Length];
            for (int i = 0; i < remote.Length; i++)
            {
                double seconds = offsetSeconds + (remote[i] - RemoteTicks) / (double)RemoteFrequency;
                local[i] = _local.Ticks + (long)Math.Round(seconds * Stopwatch.Frequency);
            }
            return local;
        }
    }

    private static void Write<T>(BinaryWriter w, T[] values) where T : unmanaged
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static int[] ReadInts(BinaryReader r, string group) => ReadArray<int>(r, group);
    private static long[] ReadLongs(BinaryReader r, string group) => ReadArray<long>(r, group);
    private static float[] ReadFloats(BinaryReader r, string group) => ReadArray<float>(r, group);

    private static T[] ReadArray<T>(BinaryReader r, string group) where T : unmanaged
    {
        int length = r.ReadInt32();
        long remaining = r.BaseStream.Length - r.BaseStream.Position;
        Require(length >= 0, group, $"it announces an array of {length} values");
        if ((long)length * Marshal.SizeOf<T>() > remaining)
            throw new EndOfStreamException(); // reported with the group's name by Restore
        var values = new T[length];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
